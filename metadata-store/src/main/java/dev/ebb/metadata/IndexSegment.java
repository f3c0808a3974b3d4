package dev.ebb.metadata;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A sorted index file: header {@code magic i32, firstSeq i64, endSeq i64, count i32}, then {@code count} entries
 * {@code (key i64, seq i64)} sorted by key then sequence. A lookup is a binary search, never a scan of records.
 */
final class IndexSegment {
    static final int MAGIC = 0xEBB1D001;
    static final int HEADER = 4 + 8 + 8 + 4;
    static final int ENTRY = 16;
    private final ByteBuffer map;
    private final long endSeq;
    private final int count;

    private IndexSegment(ByteBuffer map, long endSeq, int count) {
        this.map = map;
        this.endSeq = endSeq;
        this.count = count;
    }

    static IndexSegment open(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
            if (ch.size() < HEADER || m.getInt(0) != MAGIC) {
                throw new MetadataStoreException("index segment " + file + " is damaged (bad header)");
            }
            int count = m.getInt(20);
            if (ch.size() != HEADER + (long) count * ENTRY) {
                throw new MetadataStoreException("index segment " + file + " is damaged (length)");
            }
            return new IndexSegment(m, m.getLong(12), count);
        } catch (IOException e) {
            throw new MetadataStoreException("cannot open index segment " + file, e);
        }
    }

    /** Sequences up to this (exclusive) are covered by this and earlier segments. */
    long endSeq() {
        return endSeq;
    }

    void find(long key, LongList out) {
        int lo = 0;
        int hi = count;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (keyAt(mid) < key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        for (int i = lo; i < count && keyAt(i) == key; i++) {
            out.add(map.getLong(HEADER + i * ENTRY + 8));
        }
    }

    private long keyAt(int i) {
        return map.getLong(HEADER + i * ENTRY);
    }
}
