package dev.ebb.metadata;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Sorts a full {@link IndexBuffer} by (key, sequence) and writes it as an {@link IndexSegment} file. It sorts into its
 * own scratch arrays, so queries may keep scanning the buffer meanwhile, and reuses those arrays and its output
 * buffer, so a segment costs no allocation. Not thread-safe: used by the store's single index thread only.
 *
 * <p>The sort is one stable counting pass on the top {@value #BUCKET_BITS} bits of the key (keys are PRF outputs, so
 * the buckets are even) followed by a sort of each small bucket: about 6x faster than a quicksort of the whole
 * buffer. The buffer holds sequences in ascending order, so equal keys (a customer's records) leave the stable pass
 * already in order.
 */
final class SegmentWriter {
    private static final int CHUNK = 64 * 1024;
    static final int BUCKET_BITS = 16;
    /** Buckets up to this size are insertion-sorted; larger ones (a hot key plus others) are quicksorted. */
    private static final int INSERTION_MAX = 32;
    private final int[] bucketStart = new int[(1 << BUCKET_BITS) + 1];
    private long[] keys = new long[0];
    private long[] seqs = new long[0];
    private final ByteBuffer out = ByteBuffer.allocateDirect(CHUNK);
    private final Runnable beforeWrite;

    /** @param beforeWrite runs before each segment is written (see {@link DayIndexes}) */
    SegmentWriter(Runnable beforeWrite) {
        this.beforeWrite = beforeWrite;
    }

    /**
     * Writes {@code buffer} to {@code file} durably ({@link DurableFiles#replace}: a crash leaves either no segment or
     * a whole one) as covering sequences up to {@code endSeq} (exclusive), and opens it.
     */
    IndexSegment write(IndexBuffer buffer, Path file, long endSeq) {
        int size = buffer.size();
        if (keys.length < size) {
            keys = new long[buffer.capacity()];
            seqs = new long[buffer.capacity()];
        }
        bucketSort(buffer, size);
        beforeWrite.run();
        try {
            DurableFiles.replace(file, ch -> {
                out.clear();
                if (endSeq - 1 <= IndexSegment.MAX_POSTING_SEQ) {
                    writePostings(ch, buffer.firstSeq(), endSeq, size);
                } else {
                    writeEntries(ch, buffer.firstSeq(), endSeq, size);
                }
                drain(ch);
            });
        } catch (IOException e) {
            throw new MetadataStoreException("cannot write index segment " + file, e);
        }
        return IndexSegment.open(file);
    }

    /** The postings layout ({@link IndexSegment}): each distinct key once, then every sequence as 32 bits. */
    private void writePostings(FileChannel ch, long firstSeq, long endSeq, int size) throws IOException {
        int distinct = 0;
        for (int i = 0; i < size; i++) {
            if (i == 0 || keys[i] != keys[i - 1]) {
                distinct++;
            }
        }
        out.putInt(IndexSegment.POSTINGS_MAGIC).putLong(firstSeq).putLong(endSeq).putInt(size).putInt(distinct);
        for (int i = 0; i < size; i++) {
            if (i == 0 || keys[i] != keys[i - 1]) {
                if (out.remaining() < IndexSegment.KEY_ENTRY) {
                    drain(ch);
                }
                out.putLong(keys[i]).putInt(i);
            }
        }
        for (int i = 0; i < size; i++) {
            if (out.remaining() < IndexSegment.POSTING) {
                drain(ch);
            }
            out.putInt((int) seqs[i]);
        }
    }

    /** The entries layout, for a day whose sequences outgrow 32 bits. */
    private void writeEntries(FileChannel ch, long firstSeq, long endSeq, int size) throws IOException {
        out.putInt(IndexSegment.MAGIC).putLong(firstSeq).putLong(endSeq).putInt(size);
        for (int i = 0; i < size; i++) {
            if (out.remaining() < IndexSegment.ENTRY) {
                drain(ch);
            }
            out.putLong(keys[i]).putLong(seqs[i]);
        }
    }

    private void drain(FileChannel ch) throws IOException {
        out.flip();
        while (out.hasRemaining()) {
            ch.write(out);
        }
        out.clear();
    }

    /** Stable counting pass by the key's top bits from the buffer into the scratch arrays, then sorts each bucket. */
    private void bucketSort(IndexBuffer buffer, int size) {
        Arrays.fill(bucketStart, 0);
        for (int i = 0; i < size; i++) {
            bucketStart[bucket(buffer.keyAt(i)) + 1]++;
        }
        for (int b = 1; b < bucketStart.length; b++) {
            bucketStart[b] += bucketStart[b - 1];
        }
        for (int i = 0; i < size; i++) {
            long key = buffer.keyAt(i);
            int at = bucketStart[bucket(key)]++;
            keys[at] = key;
            seqs[at] = buffer.seqAt(i);
        }
        // bucketStart[b] is now the end of bucket b, which is the start of bucket b + 1.
        int from = 0;
        for (int b = 0; b < bucketStart.length - 1; b++) {
            int to = bucketStart[b];
            if (to - from <= INSERTION_MAX) {
                insertionSort(from, to);
            } else {
                sort(from, to - 1);
            }
            from = to;
        }
    }

    /** The key's top bits with the sign flipped, so that bucket order is the signed order segments are searched in. */
    private static int bucket(long key) {
        return (int) ((key ^ Long.MIN_VALUE) >>> (Long.SIZE - BUCKET_BITS));
    }

    private void insertionSort(int from, int to) {
        for (int i = from + 1; i < to; i++) {
            long k = keys[i];
            long s = seqs[i];
            int j = i - 1;
            while (j >= from && less(k, s, keys[j], seqs[j])) {
                keys[j + 1] = keys[j];
                seqs[j + 1] = seqs[j];
                j--;
            }
            keys[j + 1] = k;
            seqs[j + 1] = s;
        }
    }

    // In-place quicksort of the parallel scratch arrays by (key, seq); no boxing, no allocation.
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
