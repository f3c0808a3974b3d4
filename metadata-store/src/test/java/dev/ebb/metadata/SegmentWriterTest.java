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
    @TempDir
    Path dir;

    @Test
    void aSegmentIsSortedByKeyThenSequenceAndFindsEverySequenceOfAKey() throws Exception {
        // Random keys of both signs, a few hot keys (customers) and keys sharing their top bits with a hot key,
        // so that buckets of every size occur.
        Random rnd = new Random(11);
        long[] hot = {rnd.nextLong(), -rnd.nextLong(), 0L, Long.MIN_VALUE, Long.MAX_VALUE};
        IndexBuffer buffer = new IndexBuffer(20_000);
        Map<Long, List<Long>> expected = new HashMap<>();
        for (long seq = 0; buffer.hasRoomFor(4); seq++) {
            long[] keys = {hot[rnd.nextInt(hot.length)], rnd.nextLong(), hot[0] ^ rnd.nextInt(1 << 20),
                rnd.nextInt(8) - 4L};
            for (long key : keys) {
                buffer.add(key, seq);
                expected.computeIfAbsent(key, k -> new ArrayList<>()).add(seq);
            }
        }
        Path file = dir.resolve("0.idx");
        IndexSegment segment = new SegmentWriter(() -> { }).write(buffer, file, 5000);

        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
        for (int i = 1; i < buffer.size(); i++) {
            int at = IndexSegment.HEADER + i * IndexSegment.ENTRY;
            long key = b.getLong(at);
            long previousKey = b.getLong(at - IndexSegment.ENTRY);
            assertThat(key > previousKey || key == previousKey && b.getLong(at + 8) >= b.getLong(at - 8))
                    .as("entry %d in (key, seq) order", i).isTrue();
        }
        for (Map.Entry<Long, List<Long>> e : expected.entrySet()) {
            LongList found = new LongList();
            segment.find(e.getKey(), found);
            List<Long> seqs = new ArrayList<>();
            for (int i = 0; i < found.size(); i++) {
                seqs.add(found.get(i));
            }
            assertThat(seqs).as("key %d", e.getKey()).isEqualTo(e.getValue());
        }
    }
}
