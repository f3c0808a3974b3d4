package dev.ebb.metadata;

import java.util.Arrays;

/** A growable list of primitive longs. */
final class LongList {
    private long[] values = new long[16];
    private int size;

    void add(long v) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = v;
    }

    void clear() {
        size = 0;
    }

    int size() {
        return size;
    }

    long get(int i) {
        return values[i];
    }

    /** Sorts ascending and removes duplicates (a record indexed under the same key twice, e.g. as source and
     * destination). */
    void sortDistinct() {
        Arrays.sort(values, 0, size);
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (n == 0 || values[n - 1] != values[i]) {
                values[n++] = values[i];
            }
        }
        size = n;
    }
}
