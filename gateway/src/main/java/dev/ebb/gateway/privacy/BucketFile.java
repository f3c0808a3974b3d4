package dev.ebb.gateway.privacy;

import dev.ebb.metadata.DurableFiles;
import dev.ebb.metadata.FileSync;
import dev.ebb.metadata.OwnerOnlyFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Predicate;
import javax.crypto.SecretKey;

/**
 * The content file of one (customer, bucket): records appended with positional writes ({@code pwrite}), so several
 * threads write at once without a lock and without sharing a file position. A completed write is in the kernel's
 * page cache and so survives {@code kill -9} of the JVM (not a power cut: there is no fsync per message).
 *
 * <p>Space is reserved with one atomic add; the record is then written in one call. Each file has its own key, and the
 * GCM nonce is 4 random bytes drawn when the file is opened followed by the record's 8-byte position: positions never
 * repeat within a file (appends start past the end of everything ever written), so nonces never repeat under a key
 * (NIST SP 800-38D §8.2.1, deterministic construction).
 */
final class BucketFile {
    private static final int SCAN_WINDOW = 1 << 20;

    private final BucketId id;
    private final byte[] customerUtf8;
    private final Path path;
    private final byte[] noncePrefix;
    private final AtomicLong end;
    /** Where appends of this opening started: records before it were written before a restart. */
    private final long openedEnd;
    /** Records put and not stripped, for metrics; those before {@link #openedEnd} once {@link #countRecovered}. */
    private final LongAdder live = new LongAdder();
    private final AtomicBoolean recoveredCounted = new AtomicBoolean();
    private volatile FileChannel channel;
    private volatile SecretKey key;
    /** Written to since the last {@link #force}: only those files are forced by a group commit. */
    private volatile boolean dirty;

    private BucketFile(BucketId id, Path path, FileChannel channel, SecretKey key, byte[] noncePrefix, long end) {
        this.id = id;
        this.customerUtf8 = id.customerId().getBytes(StandardCharsets.UTF_8);
        this.path = path;
        this.channel = channel;
        this.key = key;
        this.noncePrefix = noncePrefix;
        this.end = new AtomicLong(end);
        this.openedEnd = end;
    }

    /** Opens (creating if needed) the file; appends continue after the last byte ever written. */
    static BucketFile open(BucketId id, Path path, SecretKey key, byte[] noncePrefix) throws IOException {
        FileChannel channel = OwnerOnlyFiles.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        return new BucketFile(id, path, channel, key, noncePrefix.clone(), RecordHeader.align(channel.size()));
    }

    BucketId id() {
        return id;
    }

    /** The customer id as UTF-8, as bound into each record's AAD. */
    byte[] customerUtf8() {
        return customerUtf8;
    }

    /** The bucket key, or {@code null} once the file is retired (expired, erased or closed). */
    SecretKey key() {
        return key;
    }

    boolean retired() {
        return key == null;
    }

    long reserve(int length) {
        return end.getAndAdd(length);
    }

    long end() {
        return end.get();
    }

    long openedEnd() {
        return openedEnd;
    }

    /** A record was put (written whole). */
    void countPut() {
        live.increment();
    }

    /** A live record was stripped. */
    void countStripped() {
        live.decrement();
    }

    /** The live records found before {@link #openedEnd} by the backlog scan at start-up; counted once. */
    void countRecovered(long records) {
        if (recoveredCounted.compareAndSet(false, true)) {
            live.add(records);
        }
    }

    /** Records held readable: put or recovered, not stripped. */
    long liveRecords() {
        return live.sum();
    }

    void writeNonce(byte[] into, int offset, long position) {
        System.arraycopy(noncePrefix, 0, into, offset, noncePrefix.length);
        ByteBuffer.wrap(into, offset + noncePrefix.length, Long.BYTES).putLong(position);
    }

    void write(ByteBuffer bytes, long position) throws IOException {
        int start = bytes.position();
        try {
            DurableFiles.writeFully(channel, bytes, position);
        } catch (ClosedChannelException closed) {
            reopenUnlessRetired(closed);
            bytes.position(start);
            DurableFiles.writeFully(channel, bytes, position);
        }
        if (!dirty) {
            // Read first: puts from every event loop write here, and a store to a shared line each time would
            // bounce it between the cores for nothing.
            dirty = true;
        }
    }

    /**
     * Forces what was written before the call, if anything was written since the last force. The flag is cleared
     * before the force, so a write that completes meanwhile sets it again and the next force covers it.
     */
    void force(FileSync sync) throws IOException {
        if (!dirty) {
            return;
        }
        dirty = false;
        try {
            sync.force(channel, path);
        } catch (ClosedChannelException closed) {
            reopenUnlessRetired(closed);
            sync.force(channel, path);
        }
    }

    /** Reads from {@code position} until {@code into} is full or the file ends; returns the bytes read. */
    int read(ByteBuffer into, long position) throws IOException {
        int start = into.position();
        try {
            readFully(into, position);
        } catch (ClosedChannelException closed) {
            reopenUnlessRetired(closed);
            into.position(start);
            readFully(into, position);
        }
        return into.position() - start;
    }

    /**
     * Visits the header of every intact record before {@code limit}, in file order. Zeros or torn bytes (a write
     * cut short by a crash) are skipped in 8-byte steps until the next intact header.
     */
    void scan(long limit, Consumer<RecordHeader> visitor) throws IOException {
        scan(0, limit, header -> {
            visitor.accept(header);
            return true;
        });
    }

    /**
     * Visits the header of every intact record from {@code from} (a record's position, or 0) to {@code limit}, in file
     * order, while {@code visitor} returns true.
     */
    void scan(long from, long limit, Predicate<RecordHeader> visitor) throws IOException {
        long end = Math.min(limit, channel.size());
        ByteBuffer window = ByteBuffer.allocate(SCAN_WINDOW).limit(0);
        long windowStart = from;
        long position = from;
        while (position + RecordHeader.MIN_RECORD_LENGTH <= end) {
            long headerEnd = position + Math.min(RecordHeader.MAX_HEADER_LENGTH, end - position);
            if (position < windowStart || headerEnd > windowStart + window.limit()) {
                window.clear().limit((int) Math.min(SCAN_WINDOW, end - position));
                read(window, position);
                window.flip();
                windowStart = position;
            }
            RecordHeader header = RecordHeader.parse(window, (int) (position - windowStart), position);
            if (header != null && position + header.length() <= end) {
                if (!visitor.test(header)) {
                    return;
                }
                position += header.length();
            } else {
                position += RecordHeader.ALIGNMENT;
            }
        }
    }

    /** Closes the file for good; readers and writers still inside it fail and treat the content as gone. */
    synchronized void retire() throws IOException {
        key = null;
        channel.close();
    }

    private void readFully(ByteBuffer into, long position) throws IOException {
        long at = position;
        while (into.hasRemaining()) {
            int read = channel.read(into, at);
            if (read < 0) {
                return;
            }
            at += read;
        }
    }

    /**
     * An interrupt of any thread inside a {@link FileChannel} call closes the channel for every thread (the
     * {@code InterruptibleChannel} contract). The interrupted thread gets its exception; the others reopen and go on.
     */
    private synchronized void reopenUnlessRetired(ClosedChannelException closed) throws IOException {
        if (retired() || Thread.currentThread().isInterrupted()) {
            throw closed;
        }
        if (!channel.isOpen()) {
            channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        }
    }
}
