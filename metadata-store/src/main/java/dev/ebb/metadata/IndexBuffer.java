package dev.ebb.metadata;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The current day's most recent index entries (key, sequence) in memory, in append order. When full, and when the day
 * rolls, it is sorted and written out as an {@link IndexSegment}, so memory stays bounded whatever the day's volume.
 * Not thread-safe: written under the writer lock, read under the same lock.
 */
final class IndexBuffer {
    private final long[] keys;
    private final long[] seqs;
    private int size;
    private long firstSeq = -1;

    IndexBuffer(int capacity) {
        keys = new long[capacity];
        seqs = new long[capacity];
    }

    boolean hasRoomFor(int entries) {
        return size + entries <= keys.length;
    }

    boolean isEmpty() {
        return size == 0;
    }

    void add(long key, long seq) {
        if (firstSeq < 0) {
            firstSeq = seq;
        }
        keys[size] = key;
        seqs[size] = seq;
        size++;
    }

    /** Appends to {@code out} the sequences with this key, ascending. */
    void find(long key, LongList out) {
        for (int i = 0; i < size; i++) {
            if (keys[i] == key) {
                out.add(seqs[i]);
            }
        }
    }

    /** Sorts by (key, seq) and writes a segment covering sequences up to {@code endSeq} (exclusive); then empties. */
    void writeSegment(Path file, long endSeq) {
        sort(0, size - 1);
        ByteBuffer b = ByteBuffer.allocate(IndexSegment.HEADER + size * IndexSegment.ENTRY);
        b.putInt(IndexSegment.MAGIC).putLong(Math.max(firstSeq, 0)).putLong(endSeq).putInt(size);
        for (int i = 0; i < size; i++) {
            b.putLong(keys[i]).putLong(seqs[i]);
        }
        b.flip();
        KeyFiles.writeDurably(file, b.array());
        size = 0;
        firstSeq = -1;
    }

    // In-place quicksort of the parallel arrays by (key, seq); no boxing, no allocation.
    private void sort(int lo, int hi) {
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            long pk = keys[mid];
            long ps = seqs[mid];
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (less(keys[i], seqs[i], pk, ps)) {
                    i++;
                }
                while (less(pk, ps, keys[j], seqs[j])) {
                    j--;
                }
                if (i <= j) {
                    swap(i++, j--);
                }
            }
            if (j - lo < hi - i) {
                sort(lo, j);
                lo = i;
            } else {
                sort(i, hi);
                hi = j;
            }
        }
    }

    private static boolean less(long k1, long s1, long k2, long s2) {
        return k1 < k2 || (k1 == k2 && s1 < s2);
    }

    private void swap(int a, int b) {
        long k = keys[a];
        keys[a] = keys[b];
        keys[b] = k;
        long s = seqs[a];
        seqs[a] = seqs[b];
        seqs[b] = s;
    }
}
