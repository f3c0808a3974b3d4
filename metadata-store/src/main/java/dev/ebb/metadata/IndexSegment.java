package dev.ebb.metadata;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A sorted index file, in one of two layouts; a lookup is a binary search, never a scan of records.
 * <ul>
 * <li>Postings (written since issue 15): header {@code magic i32, firstSeq i64, endSeq i64, count i32, keys i32},
 * then {@code keys} entries {@code (key i64, first i32)} sorted by key, then {@code count} sequences {@code u32}, each
 * key's in ascending order from its {@code first} to the next key's. A key is stored once however many records carry
 * it (a message's four, a customer's thousands): about 21 bytes a record where the entries below took 64.
 * <li>Entries (before; still read, and written for a day past 2^32 records): header {@code magic i32, firstSeq i64,
 * endSeq i64, count i32}, then {@code count} entries {@code (key i64, seq i64)} sorted by key then sequence.
 * </ul>
 */
final class IndexSegment {
    static final int MAGIC = 0xEBB1D001;
    static final int HEADER = 4 + 8 + 8 + 4;
    static final int ENTRY = 16;
    static final int POSTINGS_MAGIC = 0xEBB1D002;
    static final int POSTINGS_HEADER = HEADER + 4;
    static final int KEY_ENTRY = 12;
    static final int POSTING = 4;
    /** The last sequence a postings segment can hold. */
    static final long MAX_POSTING_SEQ = 0xFFFF_FFFFL;
    private final ByteBuffer map;
    private final long endSeq;
    private final boolean postings;
    /** Entries, or distinct keys of a postings segment. */
    private final int count;
    /** Sequences of a postings segment. */
    private final int postingCount;

    private IndexSegment(ByteBuffer map, long endSeq, boolean postings, int count, int postingCount) {
        this.map = map;
        this.endSeq = endSeq;
        this.postings = postings;
        this.count = count;
        this.postingCount = postingCount;
    }

    static IndexSegment open(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
            int magic = size < HEADER ? 0 : m.getInt(0);
            if (magic == MAGIC) {
                int count = m.getInt(20);
                if (size != HEADER + (long) count * ENTRY) {
                    throw new MetadataStoreException("index segment " + file + " is damaged (length)");
                }
                return new IndexSegment(m, m.getLong(12), false, count, 0);
            }
            if (magic == POSTINGS_MAGIC && size >= POSTINGS_HEADER) {
                int count = m.getInt(20);
                int keys = m.getInt(24);
                if (size != POSTINGS_HEADER + (long) keys * KEY_ENTRY + (long) count * POSTING) {
                    throw new MetadataStoreException("index segment " + file + " is damaged (length)");
                }
                return new IndexSegment(m, m.getLong(12), true, keys, count);
            }
            throw new MetadataStoreException("index segment " + file + " is damaged (bad header)");
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
        if (postings) {
            if (lo < count && keyAt(lo) == key) {
                int end = lo + 1 < count ? firstPosting(lo + 1) : postingCount;
                int base = POSTINGS_HEADER + count * KEY_ENTRY;
                for (int i = firstPosting(lo); i < end; i++) {
                    out.add(Integer.toUnsignedLong(map.getInt(base + i * POSTING)));
                }
            }
            return;
        }
        for (int i = lo; i < count && keyAt(i) == key; i++) {
            out.add(map.getLong(HEADER + i * ENTRY + 8));
        }
    }

    private long keyAt(int i) {
        return postings ? map.getLong(POSTINGS_HEADER + i * KEY_ENTRY) : map.getLong(HEADER + i * ENTRY);
    }

    private int firstPosting(int keyIndex) {
        return map.getInt(POSTINGS_HEADER + keyIndex * KEY_ENTRY + 8);
    }
}
