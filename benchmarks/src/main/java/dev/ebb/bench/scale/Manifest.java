package dev.ebb.bench.scale;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * What the generator wrote, for the measurements that follow: the days, the record count, the numbers with a known
 * number of records (the "≤ 1,000 hits" targets and the hot numbers with thousands) and a sample of message ids.
 * Kept as {@code scale-manifest.properties} beside the data directory's {@code metadata/}.
 *
 * @param targets    destination number → records with it as destination
 * @param hot        the same for the hot numbers
 * @param messageIds sample of message ids, spread over the year
 */
record Manifest(LocalDate firstDay, int days, long records, Map<String, Integer> targets, Map<String, Integer> hot,
                List<String> messageIds) {
    static final String FILE = "scale-manifest.properties";

    LocalDate lastDay() {
        return firstDay.plusDays(days - 1L);
    }

    void write(Path dataDir) throws IOException {
        Properties p = new Properties();
        p.setProperty("firstDay", firstDay.toString());
        p.setProperty("days", Integer.toString(days));
        p.setProperty("records", Long.toString(records));
        p.setProperty("targets", join(targets));
        p.setProperty("hot", join(hot));
        p.setProperty("messageIds", String.join(",", messageIds));
        try (Writer w = Files.newBufferedWriter(dataDir.resolve(FILE))) {
            p.store(w, "written by year-store generate");
        }
    }

    static Manifest read(Path dataDir) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(dataDir.resolve(FILE))) {
            p.load(r);
        }
        return new Manifest(LocalDate.parse(p.getProperty("firstDay")), Integer.parseInt(p.getProperty("days")),
                Long.parseLong(p.getProperty("records")), split(p.getProperty("targets")), split(p.getProperty("hot")),
                List.of(p.getProperty("messageIds").split(",")));
    }

    private static String join(Map<String, Integer> counts) {
        List<String> parts = new ArrayList<>();
        counts.forEach((number, n) -> parts.add(number + ":" + n));
        return String.join(",", parts);
    }

    private static Map<String, Integer> split(String s) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String part : s.split(",")) {
            int colon = part.lastIndexOf(':');
            out.put(part.substring(0, colon), Integer.parseInt(part.substring(colon + 1)));
        }
        return out;
    }
}
