package dev.ebb.metadata;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.TableStoreWriteLock;
import net.openhft.chronicle.threads.Pauser;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's single writer: appends records to the current day's cycle and keeps that day's Merkle tree, leaf log,
 * index and signed heads in step with the queue; rolls to a new day; stops on a failed write and is rebuilt by
 * {@link #repair()}.
 *
 * <p>Thread-safety: one lock, held by every method that touches the writer's state, so the queue order, the tree and
 * the index agree. Queries take it only to look into the current day's index buffers ({@link #findBuffered});
 * recovery and closing run under it, so neither runs alongside an append. Pruning does not (see {@code Pruner}).
 */
final class DayWriter {
    private static final Logger LOG = LoggerFactory.getLogger(DayWriter.class);
    private final ReentrantLock lock = new ReentrantLock();
    private final DayFiles files;
    private final SingleChronicleQueue queue;
    private final CycleClock cycleClock;
    private final Clock clock;
    private final DayIndexes indexes;
    private final Recovery recovery;
    private final HeadSigner signer;
    private final long headIntervalMillis;
    private final QueueSync queueSync;
    /** The day whose cycle file {@link #queueSync} was last told of. */
    private DayState synced;
    private final ByteBuffer encoded = ByteBuffer.allocate(RecordCodec.MAX_ENCODED);
    private final long[] keys = new long[RecordCodec.MAX_KEYS];
    private final byte[] leaf = new byte[MerkleTree.HASH_LENGTH];
    /** Replaced by {@link #repair()}: an appender that failed inside a write is not trusted again. */
    private ExcerptAppender appender;
    /** Why the writer stopped (a write that failed, typically a full disk), or null while it works. */
    private volatile Throwable failure;
    private DayState current;
    /** Volatile: queries check it without the lock. */
    private volatile boolean closed;

    DayWriter(DayFiles files, SingleChronicleQueue queue, CycleClock cycleClock, Clock clock, DayIndexes indexes,
              Recovery recovery, HeadSigner signer, long headIntervalMillis, QueueSync queueSync) {
        this.files = files;
        this.queue = queue;
        this.cycleClock = cycleClock;
        this.clock = clock;
        this.indexes = indexes;
        this.recovery = recovery;
        this.signer = signer;
        this.headIntervalMillis = headIntervalMillis;
        this.queueSync = queueSync;
        this.appender = newAppender();
    }

    /** At open: repairs the kept days and resumes today's. */
    void recover() {
        lock.lock();
        try {
            current = recovery.recoverKeptDays();
        } finally {
            lock.unlock();
        }
    }

    /** See {@link MetadataStore#append}. */
    void append(TrafficRecord record) {
        lock.lock();
        try {
            ensureWritable();
            long now = writerTime();
            long skew = record.eventTime().toEpochMilli() - now;
            if (skew > MetadataStore.MAX_EVENT_SKEW_MILLIS || skew < -MetadataStore.MAX_EVENT_SKEW_MILLIS) {
                throw new IllegalArgumentException("eventTime " + record.eventTime() + " is more than 24 h from the "
                        + "store clock " + Instant.ofEpochMilli(now));
            }
            DayState day;
            try {
                day = dayFor(now);
            } catch (RuntimeException | InternalError e) {
                throw stop("starting the day of " + Instant.ofEpochMilli(now), e);
            }
            int keyCount = RecordCodec.encode(record, day.crypto(), encoded, keys);
            int length = encoded.remaining();
            byte[] bytes = encoded.array();
            write(bytes, length, now);
            if (synced != day) {
                queueSync.writing(appender.currentFile());
                synced = day;
            }
            long index = appender.lastIndexAppended();
            if (!day.isNext(index)) {
                throw stop("checking the queue", new MetadataStoreException("queue out of step with the store: wrote "
                        + "index " + Long.toHexString(index) + " while expecting " + day.day() + "#" + day.count()
                        + " (another process writing to " + files.queue + "?)"));
            }
            // The record is durable from here on; what follows is derived from it.
            long count = day.count();
            try {
                day.add(bytes, length, keys, keyCount, leaf);
                if (day.headDue(now, headIntervalMillis)) {
                    day.signHead(now, signer);
                }
            } catch (InternalError e) {
                // Unless it is not: the JVM reports a fault on a mapped page (a full disk) when it next checks, which
                // may be after the write returned, and the record may be cut short. Not acknowledged, so the caller
                // does not take it as stored; recovery keeps the cut record as an unindexed leaf.
                throw stop(derived(day, count), e);
            } catch (RuntimeException e) {
                stop(derived(day, count), e);
            }
        } finally {
            lock.unlock();
        }
    }

    /** See {@link MetadataStore#writable}. */
    boolean writable() {
        return !closed && failure == null;
    }

    /** See {@link MetadataStore#repair}. */
    boolean repair() {
        lock.lock();
        try {
            ensureOpen();
            Throwable cause = failure;
            try {
                LocalDate day = current != null ? current.day() : Cycles.dayOf(clock.millis());
                discardWriter();
                releaseAbandonedWriteLock();
                appender = newAppender();
                long count = recovery.recordsIn(day);
                DayState state = recovery.load(day, count);
                if (day.isBefore(Cycles.dayOf(clock.millis()))) {
                    state.finish(clock.millis(), signer);
                    LOG.info("metadata day {} closed with {} records", state.day(), state.count());
                } else {
                    current = state;
                }
                failure = null;
                LOG.info("metadata store writer rebuilt: day {} from its {} records{}", day, count,
                        cause == null ? "" : " after a failed write (" + cause + ")");
                return true;
            } catch (RuntimeException | InternalError e) {
                failure = e;
                LOG.warn("metadata store not writable, rebuilding the writer failed: {}", e.toString());
                return false;
            }
        } finally {
            lock.unlock();
        }
    }

    /** See {@link MetadataStore#signTreeHead}. */
    Optional<SignedTreeHead> signTreeHead() {
        lock.lock();
        try {
            ensureOpen();
            if (failure == null) {
                try {
                    long now = writerTime();
                    if (current != null && current.day().isBefore(Cycles.dayOf(now))) {
                        roll(Cycles.dayOf(now));
                    }
                    if (current != null && current.hasUnsignedRecords()) {
                        current.signHead(now, signer);
                    }
                } catch (RuntimeException | InternalError e) {
                    stop("signing a tree head", e);
                }
            }
            return current == null ? Optional.empty() : current.latestHead();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Puts the current day's leaves on disk for a verification (call {@link #signTreeHead} first).
     *
     * @return the day a verification must check only as far as its leaf log and heads go (a stopped writer's leaves
     *         may not be on disk), or null
     */
    LocalDate flushForVerify() {
        lock.lock();
        try {
            if (current != null && failure == null) {
                try {
                    current.flushLeaves();
                } catch (RuntimeException e) {
                    stop("flushing the leaf log for verify", e);
                }
            }
            if (failure != null) {
                return current != null ? current.day() : Cycles.dayOf(clock.millis());
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * If {@code day} is the day being written: signs a head covering record {@code sequence} unless the latest one
     * does, and puts the day's leaves on disk, so an inclusion proof can be built from the files.
     *
     * @throws IllegalStateException if the store is closed
     */
    void signThrough(LocalDate day, long sequence) {
        lock.lock();
        try {
            ensureOpen();
            if (current != null && current.day().equals(day)) {
                if (!current.signedThrough(sequence)) {
                    signTreeHead();
                }
                current.flushLeaves();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Looks {@code key} up in the index buffers of {@code index}; the lock keeps them still meanwhile (see
     * {@link DayIndex}).
     */
    void findBuffered(DayIndex index, long key, LongList out) {
        lock.lock();
        try {
            index.findBuffered(key, out);
        } finally {
            lock.unlock();
        }
    }

    /** The day being written and its records so far; null before the first append of today since the store opened. */
    DayCount currentDay() {
        lock.lock();
        try {
            return current == null ? null : new DayCount(current.day(), current.count());
        } finally {
            lock.unlock();
        }
    }

    /** A day and how many records it holds. */
    record DayCount(LocalDate day, long records) {
    }

    /** See {@link MetadataStore#close}: signs and seals the current day, waits for the index thread, closes the queue. */
    void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            if (failure != null) {
                // The writer's state is not trusted: leave the day to the next open, which rebuilds it.
                discardWriter();
            } else if (current != null) {
                current.finish(writerTime(), signer);
                current = null;
            }
            closed = true;
            try {
                indexes.awaitWritten(failure != null);
            } finally {
                indexes.shutdown();
                queue.close();
            }
        } finally {
            lock.unlock();
        }
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("metadata store is closed");
        }
    }

    // ---- lock held ----

    private void ensureWritable() {
        ensureOpen();
        Throwable cause = failure;
        if (cause != null) {
            throw new MetadataStoreException("metadata store is not writable since a write failed (" + cause
                    + "); repair() reopens it", cause);
        }
    }

    private ExcerptAppender newAppender() {
        ExcerptAppender a = queue.createAppender();
        // Chronicle ties an appender to its creating thread; here every append holds the lock instead.
        a.singleThreadedCheckDisabled(true);
        return a;
    }

    private void write(byte[] bytes, int length, long now) {
        cycleClock.pin(now);
        try (DocumentContext dc = appender.writingDocument()) {
            try {
                dc.wire().bytes().write(bytes, 0, length);
            } catch (RuntimeException | InternalError e) {
                // Closing the document would commit it half-written (a torn record): withdraw it.
                dc.rollbackOnClose();
                throw e;
            }
        } catch (RuntimeException | InternalError e) {
            throw stop("writing a record to " + files.queue, e);
        } finally {
            cycleClock.unpin();
        }
    }

    /** What failed after record {@code count} of {@code day} was written; made only then, not on every append. */
    private static String derived(DayState day, long count) {
        return "updating the leaf log, index or tree head after record " + day.day() + "#" + count;
    }

    /** Stops the writer (the first cause is kept) and returns the exception to throw to the caller. */
    private MetadataStoreException stop(String doing, Throwable cause) {
        if (failure == null) {
            failure = cause;
            LOG.error("metadata store stopped writing, failed while {}: {}; appends are refused until it is repaired",
                    doing, cause.toString());
        }
        return new MetadataStoreException("metadata store failed while " + doing + ": " + cause, cause);
    }

    /**
     * A fault inside Chronicle's own code (an {@link InternalError} from an unbacked page) can leave the queue's write
     * lock held by this process with no appender inside: no other thread of this process can be there, as every
     * append holds {@link #lock}, so the lock is abandoned and released. A lock of another process is left alone.
     */
    private void releaseAbandonedWriteLock() {
        try (TableStoreWriteLock writeLock = new TableStoreWriteLock(queue.metaStore(), Pauser::balanced, 0L)) {
            if (writeLock.locked() && writeLock.isLockedByCurrentProcess(otherPid -> { })) {
                LOG.warn("releasing the queue write lock a failed write of this process left held in {}", files.queue);
                writeLock.forceUnlock();
            }
        }
    }

    /** Forgets the writer's state of its day; whatever it fails to flush is recomputed from the queue. */
    private void discardWriter() {
        DayState day = current;
        current = null;
        try {
            appender.close();
        } catch (RuntimeException | InternalError e) {
            LOG.debug("closing the failed appender", e);
        }
        if (day != null) {
            day.discard();
        }
    }

    private long writerTime() {
        long now = clock.millis();
        // Chronicle cannot append to an older cycle than its last one: a clock stepping back stays in today.
        return current != null ? Math.max(now, current.startMillis()) : now;
    }

    private DayState dayFor(long now) {
        if (current == null || !current.contains(now)) {
            roll(Cycles.dayOf(now));
        }
        return current;
    }

    private void roll(LocalDate day) {
        if (current != null) {
            current.finish(Cycles.startMillis(day), signer);
            LOG.info("metadata day {} closed with {} records", current.day(), current.count());
        }
        current = recovery.load(day, 0);
    }
}
