package dev.ebb.metadata;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.LocalDate;
import java.time.Period;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention (DESIGN invariant 3): drops whole days older than the retention period with their index, leaf log,
 * signed heads and day key, so the sealed numbers of those days are unrecoverable, backups included.
 *
 * <p>Runs beside appends, under a lock of its own rather than the writer's, so that no append waits while the kernel
 * frees a day's files (a pruning under the writer lock held appends up for 180 ms on a loaded machine): a day past
 * retention is months older than the day being written, whose roll reads the heads of the latest earlier day only. At
 * open it runs before recovery, which so neither repairs nor checks a day about to go.
 */
final class Pruner {
    private static final Logger LOG = LoggerFactory.getLogger(Pruner.class);
    private final DayFiles files;
    private final KeyFiles keyFiles;
    private final DayIndexes indexes;
    private final SingleChronicleQueue queue;
    private final Period retention;
    private final Clock clock;
    private final AtomicLong pruned = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();

    Pruner(DayFiles files, KeyFiles keyFiles, DayIndexes indexes, SingleChronicleQueue queue, Period retention,
           Clock clock) {
        this.files = files;
        this.keyFiles = keyFiles;
        this.indexes = indexes;
        this.queue = queue;
        this.retention = retention;
        this.clock = clock;
    }

    /** Days dropped since the store was opened, by {@link #pruneExpired} (at open too). */
    long daysPruned() {
        return pruned.get();
    }

    /** Runs {@code work} while no pruning runs: closing the queue would fail one half-way. */
    void excluding(Runnable work) {
        lock.lock();
        try {
            work.run();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Drops each day D with {@code D + retention} before today (UTC, store clock); returns them, ascending.
     *
     * @param first runs first, under the pruning lock (the store's check that it is open)
     */
    List<LocalDate> pruneExpired(Runnable first) {
        lock.lock();
        try {
            first.run();
            return pruneExpired();
        } finally {
            lock.unlock();
        }
    }

    private List<LocalDate> pruneExpired() {
        LocalDate today = Cycles.dayOf(clock.millis());
        List<LocalDate> dropped = new ArrayList<>();
        for (LocalDate day : files.days()) {
            if (!day.plus(retention).isBefore(today)) {
                break;
            }
            indexes.drop(day);
            files.deleteSideFiles(day, keyFiles);
            try {
                Files.deleteIfExists(files.cycleFile(day));
            } catch (IOException e) {
                throw new MetadataStoreException("cannot delete expired cycle " + files.cycleFile(day), e);
            }
            dropped.add(day);
            pruned.incrementAndGet();
        }
        if (!dropped.isEmpty()) {
            // Chronicle caches the first and last cycle: without this a tailer would look for the deleted files.
            queue.refreshDirectoryListing();
            LOG.info("metadata retention {}: dropped {} day(s) {}..{} with their keys", retention,
                    dropped.size(), dropped.get(0), dropped.get(dropped.size() - 1));
        }
        return dropped;
    }
}
