package dev.ebb.metadata;

/**
 * Index entries (key, sequence) of the current day not yet in a segment, in memory, in append order. Bounded: when
 * full it is handed to a {@link SegmentWriter} (see {@link DayIndex}), and reused once that is done. Not thread-safe:
 * written and scanned under the store's writer lock; the segment writer only reads it while no one writes it.
 */
final class IndexBuffer {
    private final long[] keys;
    private final long[] seqs;
    private int size;

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

    int size() {
        return size;
    }

    int capacity() {
        return keys.length;
    }

    void add(long key, long seq) {
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

    long keyAt(int i) {
        return keys[i];
    }

    long seqAt(int i) {
        return seqs[i];
    }

    /** The smallest sequence held (entries are added in sequence order); 0 when empty. */
    long firstSeq() {
        return size == 0 ? 0 : seqs[0];
    }

    void clear() {
        size = 0;
    }
}
