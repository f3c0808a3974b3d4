package dev.ebb.metadata;

import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The blind index of every kept day, and the one daemon thread, {@code ebb-metadata-index}, that sorts and writes
 * full index buffers off the append path (see {@link DayIndex}); that thread owns the segment writer. Recovery and
 * the writer open indexes, the pruner drops them, queries look them up without a lock (the map is concurrent).
 */
final class DayIndexes {
    private final DayFiles files;
    private final int bufferEntries;
    private final Map<LocalDate, DayIndex> byDay = new ConcurrentHashMap<>();
    private final ExecutorService indexThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "ebb-metadata-index");
        t.setDaemon(true);
        return t;
    });
    private final SegmentWriter segmentWriter;

    /**
     * @param bufferEntries entries (four per record) of an index buffer
     * @param beforeSegment runs on the index thread before each segment is written: in group-commit mode it forces the
     *                      queue, so no segment on disk covers records that are not
     */
    DayIndexes(DayFiles files, int bufferEntries, Runnable beforeSegment) {
        this.files = files;
        this.bufferEntries = bufferEntries;
        this.segmentWriter = new SegmentWriter(beforeSegment);
    }

    /** Opens the index of a day being written (its segments so far and an empty buffer) and registers it. */
    DayIndex openWritable(LocalDate day) {
        DayIndex index = DayIndex.writable(day, files, indexThread, segmentWriter, bufferEntries);
        byDay.put(day, index);
        return index;
    }

    /** Registers the index of a finished day, its segment files only, and returns it. */
    DayIndex openReadOnly(LocalDate day) {
        DayIndex index = DayIndex.readOnly(day, files);
        byDay.put(day, index);
        return index;
    }

    /** The day's index, or null if the day is not kept. */
    DayIndex get(LocalDate day) {
        return byDay.get(day);
    }

    /** Forgets a day's index once its last segment is written, so its files can be deleted (writer lock held). */
    void drop(LocalDate day) {
        DayIndex index = byDay.remove(day);
        if (index != null) {
            index.awaitWritten();
        }
    }

    /**
     * Waits until every handed-over buffer is in a segment (writer lock held).
     *
     * @param ignoreFailures true when the writer has failed already: a segment that failed too is recomputed at the
     *                       next open, and the first failure is the one worth reporting
     */
    void awaitWritten(boolean ignoreFailures) {
        for (DayIndex index : byDay.values()) {
            try {
                index.awaitWritten();
            } catch (MetadataStoreException e) {
                if (!ignoreFailures) {
                    throw e;
                }
            }
        }
    }

    void shutdown() {
        indexThread.shutdown();
    }
}
