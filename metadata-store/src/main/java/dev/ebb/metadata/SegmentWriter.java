package dev.ebb.metadata;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Sorts a full {@link IndexBuffer} by (key, sequence) and writes it as an {@link IndexSegment} file. It sorts a copy in
 * its own scratch arrays, so queries may keep scanning the buffer meanwhile, and reuses those arrays and its output
 * buffer, so a segment costs no allocation. Not thread-safe: used by the store's single index thread only.
 */
final class SegmentWriter {
    private static final int CHUNK = 64 * 1024;
    private long[] keys = new long[0];
    private long[] seqs = new long[0];
    private final ByteBuffer out = ByteBuffer.allocateDirect(CHUNK);

    /**
     * Writes {@code buffer} to {@code file} (via a temporary file, forced, then renamed, so a crash leaves either no
     * segment or a whole one) as covering sequences up to {@code endSeq} (exclusive), and opens it.
     */
    IndexSegment write(IndexBuffer buffer, Path file, long endSeq) {
        int size = buffer.size();
        if (keys.length < size) {
            keys = new long[buffer.capacity()];
            seqs = new long[buffer.capacity()];
        }
        buffer.copyTo(keys, seqs);
        sort(0, size - 1);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                out.clear();
                out.putInt(IndexSegment.MAGIC).putLong(buffer.firstSeq()).putLong(endSeq).putInt(size);
                for (int i = 0; i < size; i++) {
                    if (out.remaining() < IndexSegment.ENTRY) {
                        drain(ch);
                    }
                    out.putLong(keys[i]).putLong(seqs[i]);
                }
                drain(ch);
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new MetadataStoreException("cannot write index segment " + file, e);
        }
        return IndexSegment.open(file);
    }

    private void drain(FileChannel ch) throws IOException {
        out.flip();
        while (out.hasRemaining()) {
            ch.write(out);
        }
        out.clear();
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
