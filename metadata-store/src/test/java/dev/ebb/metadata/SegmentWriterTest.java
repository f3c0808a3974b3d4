package dev.ebb.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentWriterTest {
    private static final int RECORDS = 5_000;
    @TempDir
    Path dir;
    private final Map<Long, List<Long>> expected = new HashMap<>();

    @Test
    void aSegmentStoresEachKeyOnceWithItsSequencesAndFindsEverySequenceOfAKey() throws Exception {
        IndexBuffer buffer = randomBuffer(0);
        Path file = dir.resolve("0.idx");
        IndexSegment segment = new SegmentWriter(() -> { }).write(buffer, file, RECORDS);

        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
        assertThat(b.getInt(0)).isEqualTo(IndexSegment.POSTINGS_MAGIC);
        int keys = b.getInt(24);
        assertThat(keys).isEqualTo(expected.size());
        for (int i = 1; i < keys; i++) {
            int at = IndexSegment.POSTINGS_HEADER + i * IndexSegment.KEY_ENTRY;
            assertThat(b.getLong(at)).as("key %d ascending", i).isGreaterThan(b.getLong(at - IndexSegment.KEY_ENTRY));
        }
        // Issue 15: (key, seq) entries of 16 bytes were 64 bytes a record; a key once and 32-bit sequences.
        assertThat(Files.size(file)).isEqualTo(IndexSegment.POSTINGS_HEADER + (long) keys * IndexSegment.KEY_ENTRY
                + (long) buffer.size() * IndexSegment.POSTING);
        assertEverySequenceFound(segment);
    }

    @Test
    void aDayPastFourBillionRecordsIsWrittenAsEntriesWithWholeSequences() throws Exception {
        long offset = IndexSegment.MAX_POSTING_SEQ;
        IndexBuffer buffer = randomBuffer(offset);
        Path file = dir.resolve("1.idx");
        IndexSegment segment = new SegmentWriter(() -> { }).write(buffer, file, offset + RECORDS);

        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
        assertThat(b.getInt(0)).isEqualTo(IndexSegment.MAGIC);
        for (int i = 1; i < buffer.size(); i++) {
            int at = IndexSegment.HEADER + i * IndexSegment.ENTRY;
            long key = b.getLong(at);
            long previousKey = b.getLong(at - IndexSegment.ENTRY);
            assertThat(key > previousKey || key == previousKey && b.getLong(at + 8) >= b.getLong(at - 8))
                    .as("entry %d in (key, seq) order", i).isTrue();
        }
        assertEverySequenceFound(segment);
    }

    /**
     * Random keys of both signs, a few hot keys (customers) and keys sharing their top bits with a hot key, so that
     * buckets of every size occur; sequences from {@code offset}.
     */
    private IndexBuffer randomBuffer(long offset) {
        Random rnd = new Random(11);
        long[] hot = {rnd.nextLong(), -rnd.nextLong(), 0L, Long.MIN_VALUE, Long.MAX_VALUE};
        IndexBuffer buffer = new IndexBuffer(4 * RECORDS);
        for (long seq = offset; buffer.hasRoomFor(4); seq++) {
            long[] keys = {hot[rnd.nextInt(hot.length)], rnd.nextLong(), hot[0] ^ rnd.nextInt(1 << 20),
                rnd.nextInt(8) - 4L};
            for (long key : keys) {
                buffer.add(key, seq);
                expected.computeIfAbsent(key, k -> new ArrayList<>()).add(seq);
            }
        }
        return buffer;
    }

    private void assertEverySequenceFound(IndexSegment segment) {
        for (Map.Entry<Long, List<Long>> e : expected.entrySet()) {
            LongList found = new LongList();
            segment.find(e.getKey(), found);
            List<Long> seqs = new ArrayList<>();
            for (int i = 0; i < found.size(); i++) {
                seqs.add(found.get(i));
            }
            assertThat(seqs).as("key %d", e.getKey()).isEqualTo(e.getValue());
        }
        LongList absent = new LongList();
        segment.find(12_345_678_901L, absent);
        assertThat(absent.size()).isZero();
    }
}
