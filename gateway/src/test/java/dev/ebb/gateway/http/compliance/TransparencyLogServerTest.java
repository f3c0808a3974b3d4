package dev.ebb.gateway.http.compliance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ebb.metadata.EventType;
import dev.ebb.metadata.MerkleTree;
import dev.ebb.metadata.NoteVerifierKey;
import dev.ebb.metadata.SignedNote;
import dev.ebb.metadata.TilePath;
import dev.ebb.metadata.TlogMonitor;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Issue 15: the day's log as a monitor sees it, over the compliance listener with an auditor's token: checkpoint,
 * tiles and entry bundles (C2SP tlog-tiles), from which the tree is recomputed; a changed, removed, reordered or
 * inserted record is caught from those alone, and no tile shows a number.
 */
class TransparencyLogServerTest extends ComplianceApiTestBase {
    private static final String DAY = "2025-03-10";
    private static final int RECORDS = 300;

    @Test
    void anAuditorRecomputesTheDaysTreeFromItsTilesWhichRevealNoNumber() throws Exception {
        appendRecords();
        NoteVerifierKey logKey = logKey();

        TlogMonitor.Report report = TlogMonitor.check(fetcher(), logKey, null);

        assertThat(report.problem()).isEmpty();
        assertThat(report.checkpoint().origin()).isEqualTo("localhost/ebb/" + DAY);
        assertThat(report.checkpoint().size()).isEqualTo(RECORDS);
        ByteArrayOutputStream served = new ByteArrayOutputStream();
        for (TilePath t : List.of(new TilePath(TilePath.ENTRIES, 0, 256), new TilePath(TilePath.ENTRIES, 1, 44),
                new TilePath(0, 0, 256), new TilePath(0, 1, 44))) {
            served.writeBytes(fetcher().fetch(t.path()));
        }
        String text = served.toString(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < RECORDS; i++) {
            assertThat(text).doesNotContain(destination(i).substring(1)).doesNotContain(source(i).substring(1));
        }
        assertThat(text).contains("msg-0007");
        JsonNode proof = json.readTree(get("/v1/tlog/" + DAY + "/proof/consistency?from=100&to=300", AUDITOR).body());
        List<byte[]> hashes = new ArrayList<>();
        for (JsonNode h : proof.get("proof")) {
            hashes.add(h.binaryValue());
        }
        List<byte[]> leaves = report.entries().stream().map(MerkleTree::leafHash).toList();
        assertThat(MerkleTree.verifyConsistency(100, 300, MerkleTree.root(leaves.subList(0, 100)),
                report.checkpoint().rootHash(), hashes)).isTrue();
    }

    @Test
    void onlyAnAuditorReadsTheLogAndEachReadIsAudited() throws Exception {
        appendRecords();
        HttpResponse<String> officer = get("/v1/tlog/" + DAY + "/checkpoint", OFFICER);
        HttpResponse<String> beyond = get("/v1/tlog/" + DAY + "/tile/0/002", AUDITOR);
        HttpResponse<String> malformed = get("/v1/tlog/" + DAY + "/tile/0/x000/001", AUDITOR);
        HttpResponse<String> checkpoint = get("/v1/tlog/" + DAY + "/checkpoint", AUDITOR);

        assertProblem(officer, 403, null);
        assertProblem(beyond, 404, null);
        assertProblem(malformed, 400, "tile");
        assertThat(checkpoint.statusCode()).isEqualTo(200);
        assertThat(checkpoint.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
        assertThat(SignedNote.parse(checkpoint.body()).verifiedBy(logKey())).isTrue();
        assertThat(auditEntries().stream().filter(e -> e.at("/event/action").asText().equals("READ_TLOG"))
                .map(e -> e.at("/event/outcome").asText()).toList()).contains("REFUSED", "FAILED", "COMPLETED");
    }

    /**
     * Attack review: tiles so high or so far that their leaf range overflows a long. The range check wrapped around
     * (level 7: 256 hashes of 2^56 leaves each is 2^64, which is 0), so they passed it and the server hashed the
     * whole day before failing with a 500, or failed on the overflow itself with a 500; they are past the checkpoint
     * like any other.
     */
    @Test
    void aTileWhoseLeafRangeOverflowsIsNotFoundWithoutHashingTheDay() throws Exception {
        appendRecords();
        for (String tile : List.of("tile/7/000", "tile/7/001", "tile/7/000.p/200", "tile/5/x999/x999/x999/999",
                "tile/6/x999/x999/999.p/255")) {
            HttpResponse<String> r = get("/v1/tlog/" + DAY + "/" + tile, AUDITOR);
            assertThat(r.statusCode()).as(tile + ": " + r.body()).isEqualTo(404);
        }
    }

    @Test
    void aRecordChangedOnDiskIsCaughtFromTheTilesAlone() throws Exception {
        appendRecords();
        Path cycle = Files.list(dir.resolve("metadata/queue")).filter(p -> p.toString().endsWith(".cq4"))
                .findFirst().orElseThrow();
        byte[] bytes = Files.readAllBytes(cycle);
        int at = new String(bytes, StandardCharsets.ISO_8859_1).indexOf("msg-0007");
        try (FileChannel ch = FileChannel.open(cycle, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {'8'}), at + 7);
        }

        TlogMonitor.Report report = TlogMonitor.check(fetcher(), logKey(), null);

        assertThat(report.problem()).hasValueSatisfying(p -> assertThat(p).startsWith("entry 7 does not hash to its "
                + "leaf in tile/0/000"));
    }

    @Test
    void aLogServedWithARecordRemovedReorderedOrInsertedFailsAgainstItsCheckpoint() throws Exception {
        appendRecords();
        NoteVerifierKey logKey = logKey();
        SignedNote seen = SignedNote.parse(get("/v1/tlog/" + DAY + "/checkpoint", AUDITOR).body());
        List<byte[]> entries = TlogMonitor.check(fetcher(), logKey, seen).entries();
        Map<String, UnaryOperator<List<byte[]>>> edits = Map.of(
                "removed", l -> without(l, 5),
                "reordered", l -> swapped(l, 3, 4),
                "inserted", l -> with(l, 6, l.get(0)));

        Map<String, String> found = new HashMap<>();
        edits.forEach((what, edit) -> found.put(what, TlogMonitor.check(rewritten(edit.apply(entries)), logKey, seen)
                .problem().orElse("not caught")));

        assertThat(found.get("reordered")).contains("do not hash to the checkpoint's root");
        assertThat(found.get("removed")).contains("holds 43 entries where the checkpoint of size 300 needs 44");
        assertThat(found.get("inserted")).contains("holds 45 entries where the checkpoint of size 300 needs 44");
    }

    private void appendRecords() throws Exception {
        for (int i = 0; i < RECORDS; i++) {
            append(String.format("msg-%04d", i), source(i), destination(i), EventType.ACCEPTED);
        }
        store.signTreeHead();
    }

    private static String source(int i) {
        return String.format("+4791%06d", 400000 + i);
    }

    private static String destination(int i) {
        return String.format("+4790%06d", 100000 + i);
    }

    private NoteVerifierKey logKey() throws Exception {
        return NoteVerifierKey.parse(json.readTree(get("/v1/tlog", AUDITOR).body()).get("logKey").asText());
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The day's log prefix, fetched as the auditor; null for anything but a 200. */
    private TlogMonitor.Fetcher fetcher() {
        return path -> {
            try {
                HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri("/v1/tlog/" + DAY + "/" + path))
                        .header("Authorization", "Bearer " + AUDITOR).build(), HttpResponse.BodyHandlers.ofByteArray());
                return r.statusCode() == 200 ? r.body() : null;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
    }

    /**
     * A log that serves {@code entries} instead, with level-0 tiles recomputed to match them (a rewrite done
     * thoroughly), and the real checkpoint.
     */
    private TlogMonitor.Fetcher rewritten(List<byte[]> entries) {
        TlogMonitor.Fetcher real = fetcher();
        return path -> {
            if (!path.startsWith("tile/")) {
                return real.fetch(path);
            }
            TilePath t = TilePath.parse(List.of(path.substring(5).split("/")));
            int from = (int) t.startLeaf();
            int to = t.width() == 256 || from + 256 > entries.size() ? Math.min(from + 256, entries.size())
                    : from + t.width();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (byte[] e : entries.subList(from, to)) {
                if (t.entries()) {
                    out.write(e.length >> 8);
                    out.write(e.length);
                    out.writeBytes(e);
                } else {
                    out.writeBytes(MerkleTree.leafHash(e));
                }
            }
            return out.toByteArray();
        };
    }

    private static List<byte[]> without(List<byte[]> l, int i) {
        List<byte[]> out = new ArrayList<>(l);
        out.remove(i);
        return out;
    }

    private static List<byte[]> swapped(List<byte[]> l, int i, int j) {
        List<byte[]> out = new ArrayList<>(l);
        out.set(i, l.get(j));
        out.set(j, l.get(i));
        return out;
    }

    private static List<byte[]> with(List<byte[]> l, int i, byte[] e) {
        List<byte[]> out = new ArrayList<>(l);
        out.add(i, e);
        return out;
    }
}
