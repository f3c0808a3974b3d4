package dev.ebb.metadata;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;

/**
 * The blind index of one day: sorted {@link IndexSegment} files plus, while the day is written, the entries not yet in
 * a segment. An entry moves from the {@code active} buffer (appends write here) to the {@code writing} buffer (a full
 * buffer, sorted and written by the store's index thread) to a published segment, so an append never waits for a sort
 * or an fsync; the writer waits only if a whole buffer fills before the previous one is written.
 *
 * <p>Thread-safety: {@link #add}, {@link #seal} and {@link #awaitWritten} are called with the store's writer lock
 * held, as is {@link #findBuffered}, so a query sees both buffers in one consistent state. {@link #findInSegments}
 * needs no lock. A query must look at the buffers first and the segments second: an entry leaves the {@code writing}
 * buffer only after its segment is published, so it is never in neither place.
 */
final class DayIndex {
    private final LocalDate day;
    private final DayFiles files;
    private final Executor indexThread;
    private final SegmentWriter segmentWriter;
    private final int capacity;
    private final List<IndexSegment> segments = new CopyOnWriteArrayList<>();
    /** Written by the writer only; volatile so that a query can tell, without the lock, that a day is finished. */
    private volatile IndexBuffer active;
    /** The full buffer handed to the index thread; cleared and reused as {@code active} once written. */
    private IndexBuffer inFlight;
    private CompletableFuture<Void> write = CompletableFuture.completedFuture(null);
    /** Same buffer as {@code inFlight} until its segment is published; then null (set by the index thread). */
    private volatile IndexBuffer writing;
    private int nextSegment;

    private DayIndex(LocalDate day, DayFiles files, Executor indexThread, SegmentWriter segmentWriter, int capacity,
                     boolean writable) {
        this.day = day;
        this.files = files;
        this.indexThread = indexThread;
        this.segmentWriter = segmentWriter;
        this.capacity = capacity;
        for (Path p : files.segmentFiles(day)) {
            segments.add(IndexSegment.open(p));
        }
        this.nextSegment = segments.size();
        this.active = writable ? new IndexBuffer(capacity) : null;
    }

    /** A finished day: its segment files only. */
    static DayIndex readOnly(LocalDate day, DayFiles files) {
        return new DayIndex(day, files, null, null, 0, false);
    }

    /** A day being written: its segment files so far and an empty buffer of {@code capacity} entries. */
    static DayIndex writable(LocalDate day, DayFiles files, Executor indexThread, SegmentWriter segmentWriter,
                             int capacity) {
        return new DayIndex(day, files, indexThread, segmentWriter, capacity, true);
    }

    /** Sequences below this are covered by the segment files. */
    long indexedUpTo() {
        long upTo = 0;
        for (IndexSegment s : segments) {
            upTo = Math.max(upTo, s.endSeq());
        }
        return upTo;
    }

    /**
     * Adds the record {@code seq}'s keys, the first {@code count} of {@code keys} (writer lock held); hands a full
     * buffer to the index thread first.
     */
    void add(long[] keys, int count, long seq) {
        IndexBuffer buffer = active;
        if (!buffer.hasRoomFor(count)) {
            awaitWritten();
            // The buffer written last is in a segment and no longer scanned by queries: reuse it.
            IndexBuffer next = inFlight != null ? inFlight : new IndexBuffer(capacity);
            handOver(seq);
            next.clear();
            active = next;
            buffer = next;
        }
        for (int i = 0; i < count; i++) {
            buffer.add(keys[i], seq);
        }
    }

    /**
     * Hands the rest of the buffered entries, covering sequences below {@code endSeq}, to the index thread and takes
     * no more entries (writer lock held). The day's buffers are released once the segment is written.
     */
    void seal(long endSeq) {
        if (active != null && !active.isEmpty()) {
            awaitWritten();
            handOver(endSeq);
        }
        active = null;
        inFlight = null;
    }

    /**
     * Waits until the buffer handed over last is in a segment (writer lock held).
     *
     * @throws MetadataStoreException if writing it failed
     */
    void awaitWritten() {
        try {
            write.get();
        } catch (ExecutionException e) {
            throw new MetadataStoreException("writing an index segment of " + day + " failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MetadataStoreException("interrupted while waiting for the index segment of " + day, e);
        }
    }

    /** Appends the buffered sequences with this key (writer lock held). */
    void findBuffered(long key, LongList out) {
        if (active != null) {
            active.find(key, out);
        }
        IndexBuffer w = writing;
        if (w != null) {
            w.find(key, out);
        }
    }

    /** True if {@link #findBuffered} may find anything, so a query on a finished day need not take the lock. */
    boolean mayHaveBuffered() {
        return active != null || writing != null;
    }

    /** Appends the sequences with this key found in the segment files. */
    void findInSegments(long key, LongList out) {
        for (IndexSegment s : segments) {
            s.find(key, out);
        }
    }

    /** Hands {@code active} to the index thread; the previous hand-over must be written. */
    private void handOver(long endSeq) {
        IndexBuffer full = active;
        Path file = files.segmentFile(day, nextSegment++);
        inFlight = full;
        writing = full;
        write = CompletableFuture.runAsync(() -> {
            segments.add(segmentWriter.write(full, file, endSeq));
            writing = null;
        }, indexThread);
    }
}
