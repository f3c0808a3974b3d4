package dev.ebb.bench.scale;

import dev.ebb.metadata.Channel;
import dev.ebb.metadata.EventType;
import dev.ebb.metadata.MetadataStore;
import dev.ebb.metadata.MetadataStoreConfig;
import dev.ebb.metadata.SourceAddress;
import dev.ebb.metadata.StoreUsage;
import dev.ebb.metadata.TrafficQuery;
import dev.ebb.metadata.TrafficRecord;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code year-store}: builds and measures a metadata store at a year's scale (issue 15). Each subcommand prints one
 * {@code RESULT name value unit} line per figure, which {@code benchmarks/scale/run.sh} collects into a table. The
 * data directory is a gateway data directory: the store in {@code <dir>/metadata}, the manifest beside it.
 */
@Command(name = "year-store", mixinStandardHelpOptions = true, subcommands = {
    YearStore.Generate.class, YearStore.Open.class, YearStore.Prune.class, YearStore.AppendUnderQuery.class})
public final class YearStore {
    private YearStore() {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(YearStore.class).execute(args));
    }

    static void result(String name, double value, String unit) {
        System.out.printf("RESULT %s %.3f %s%n", name, value, unit);
    }

    /** Writes the store. */
    @Command(name = "generate", description = "Write RECORDS records over DAYS days ending yesterday (UTC).")
    static final class Generate implements Callable<Integer> {
        @Option(names = "--dir", required = true)
        Path dir;
        @Option(names = "--records", defaultValue = "100000000")
        long records;
        @Option(names = "--days", defaultValue = "365")
        int days;
        @Option(names = "--seed", defaultValue = "15")
        long seed;

        @Override
        public Integer call() throws Exception {
            LocalDate first = LocalDate.now(ZoneOffset.UTC).minusDays(days);
            long start = System.nanoTime();
            long[] lastPrint = {start};
            Manifest m = new Generator(first, days, records, seed).run(dir.resolve("metadata"), written -> {
                long now = System.nanoTime();
                if (now - lastPrint[0] > 10_000_000_000L) {
                    lastPrint[0] = now;
                    double s = (now - start) / 1e9;
                    System.out.printf("  %,d of %,d records, %.0f s, %,.0f records/s%n", written, records, s,
                            written / s);
                }
            });
            double seconds = (System.nanoTime() - start) / 1e9;
            m.write(dir);
            result("generate.records", m.records(), "records");
            result("generate.seconds", seconds, "s");
            result("generate.rate", m.records() / seconds, "records/s");
            return 0;
        }
    }

    /** Opens the store as the gateway does and closes it again, timing the open. */
    @Command(name = "open", description = "Time MetadataStore.open on the store (system clock).")
    static final class Open implements Callable<Integer> {
        @Option(names = "--dir", required = true)
        Path dir;
        @Option(names = "--times", defaultValue = "3")
        int times;

        @Override
        public Integer call() {
            for (int i = 0; i < times; i++) {
                long t0 = System.nanoTime();
                try (MetadataStore store = MetadataStore.open(dir.resolve("metadata"), MetadataStoreConfig.defaults(),
                        Clock.systemUTC())) {
                    double ms = (System.nanoTime() - t0) / 1e6;
                    StoreUsage u = store.usage();
                    store.oldestRecordAge();
                    System.out.printf("  open %d: %.0f ms, %d days, %,d records, %,d bytes%n", i + 1, ms, u.days(),
                            u.records(), u.bytes());
                    if (i == times - 1) {
                        result("open.ms", ms, "ms");
                        result("disk.apparentBytesPerRecord", (double) u.bytes() / u.records(), "B");
                    }
                }
            }
            return 0;
        }
    }

    /** Drops the oldest day while a thread appends, timing both. */
    @Command(name = "prune", description = "Prune the oldest day (clock moved past its retention) while appending.")
    static final class Prune implements Callable<Integer> {
        @Option(names = "--dir", required = true)
        Path dir;

        @Override
        public Integer call() throws Exception {
            Manifest m = Manifest.read(dir);
            // The oldest day goes once D + 12 months is before today: open on that edge, then step one day.
            long edge = m.firstDay().plus(Period.ofMonths(12)).toEpochDay() * 86_400_000L + 3_600_000L;
            SettableClock clock = new SettableClock(edge);
            try (MetadataStore store = MetadataStore.open(dir.resolve("metadata"), MetadataStoreConfig.defaults(),
                    clock)) {
                Histogram appendNanos = new Histogram(3);
                AtomicBoolean stop = new AtomicBoolean();
                AtomicBoolean pruning = new AtomicBoolean();
                Thread appender = new Thread(() -> {
                    TrafficRecord[] rs = records("prune", Instant.ofEpochMilli(edge + 86_400_000L), 4096);
                    for (int i = 0; !stop.get(); i++) {
                        boolean during = pruning.get();
                        long t0 = System.nanoTime();
                        store.append(rs[i & 4095]);
                        // The appends that overlap the prune: what it may hold up.
                        if (during || pruning.get()) {
                            appendNanos.recordValue(System.nanoTime() - t0);
                        }
                    }
                });
                // The next day first (the appender rolls to it: a new cycle file, a key), then the prune alone.
                clock.set(edge + 86_400_000L);
                appender.start();
                Thread.sleep(2_000);
                pruning.set(true);
                long t0 = System.nanoTime();
                List<LocalDate> dropped = store.pruneExpired();
                double ms = (System.nanoTime() - t0) / 1e6;
                pruning.set(false);
                Thread.sleep(500);
                stop.set(true);
                appender.join();
                System.out.printf("  dropped %s%n", dropped);
                result("prune.ms", ms, "ms");
                result("prune.appendsDuring", appendNanos.getTotalCount(), "appends");
                result("prune.appendMaxDuring.ms", appendNanos.getMaxValue() / 1e6, "ms");
                result("prune.appendP99During.ms", appendNanos.getValueAtPercentile(99) / 1e6, "ms");
            }
            return 0;
        }
    }

    /** Append throughput alone, then while another thread runs year-wide queries. */
    @Command(name = "append-under-query", description = "Append throughput idle and while year-wide queries run.")
    static final class AppendUnderQuery implements Callable<Integer> {
        @Option(names = "--dir", required = true)
        Path dir;
        @Option(names = "--seconds", defaultValue = "10")
        int seconds;

        @Override
        public Integer call() throws Exception {
            Manifest m = Manifest.read(dir);
            Instant from = m.firstDay().atStartOfDay().toInstant(ZoneOffset.UTC);
            Instant to = Instant.now().plusSeconds(3_600);
            List<String> numbers = new ArrayList<>(m.targets().keySet());
            try (MetadataStore store = MetadataStore.open(dir.resolve("metadata"), MetadataStoreConfig.defaults(),
                    Clock.systemUTC())) {
                TrafficRecord[] rs = records("load", Instant.now(), 1 << 16);
                appendFor(store, rs, 3);
                double idle = appendFor(store, rs, seconds);
                AtomicBoolean stop = new AtomicBoolean();
                AtomicLong queries = new AtomicLong();
                Thread q = new Thread(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        store.query(TrafficQuery.byMsisdn(numbers.get(i % numbers.size()), TrafficQuery.Role.EITHER,
                                from, to));
                        queries.incrementAndGet();
                    }
                });
                q.start();
                double busy = appendFor(store, rs, seconds);
                stop.set(true);
                q.join();
                result("append.idle", idle, "records/s");
                result("append.underQuery", busy, "records/s");
                result("append.ratio", 100 * busy / idle, "%");
                result("append.queriesDuring", queries.get() / (double) seconds, "queries/s");
            }
            return 0;
        }

        private static double appendFor(MetadataStore store, TrafficRecord[] rs, int seconds) {
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            long n = 0;
            long t0 = System.nanoTime();
            while (System.nanoTime() < end) {
                for (int i = 0; i < 1024; i++) {
                    store.append(rs[(int) (n++ & (rs.length - 1))]);
                }
            }
            return n / ((System.nanoTime() - t0) / 1e9);
        }
    }

    /** A message's life, four records each, {@code n} records in all, at {@code at}. */
    static TrafficRecord[] records(String prefix, Instant at, int n) {
        EventType[] life = {EventType.ACCEPTED, EventType.SUBMITTED, EventType.DELIVERED, EventType.RECEIPT_FORWARDED};
        TrafficRecord[] out = new TrafficRecord[n];
        for (int i = 0; i < n; i++) {
            int message = i / 4;
            out[i] = TrafficRecord.builder().eventType(life[i % 4]).eventTime(at)
                    .messageId(prefix + "-" + Integer.toHexString(message)).customerId("customer-" + message % 10)
                    .channel(Channel.SMPP).systemId("esme" + message % 10).source(SourceAddress.alphanumeric("EBB"))
                    .destination("+4791" + String.format("%06d", message)).route("simulator")
                    .smscMessageId(i % 4 >= 1 ? "smsc-" + message : null).build();
        }
        return out;
    }
}
