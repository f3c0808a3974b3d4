package dev.ebb.metadata;

import java.time.LocalDate;
import java.util.Objects;

/**
 * Computes {@link StoreUsage} cheaply enough for every metrics scrape: the days before the one being written do not
 * change, so they are counted (a file size each: the leaf log holds 32 bytes per record) once, and again only when the
 * writer moves to a new day or a day is pruned; the current day's records come from the writer's memory and its bytes
 * from the sizes of its few files.
 */
final class Usage {
    private final DayFiles files;
    private final DayWriter writer;
    private final Pruner pruner;
    private boolean counted;
    private LocalDate countedBeside;
    private long countedPruned;
    private int closedDays;
    private long closedRecords;
    private long closedBytes;

    Usage(DayFiles files, DayWriter writer, Pruner pruner) {
        this.files = files;
        this.writer = writer;
        this.pruner = pruner;
    }

    synchronized StoreUsage now() {
        DayWriter.DayCount current = writer.currentDay();
        LocalDate today = current == null ? null : current.day();
        long pruned = pruner.daysPruned();
        if (!counted || !Objects.equals(today, countedBeside) || pruned != countedPruned) {
            closedDays = 0;
            closedRecords = 0;
            closedBytes = 0;
            for (LocalDate day : files.days()) {
                if (!day.equals(today)) {
                    closedDays++;
                    closedRecords += files.leafCount(day);
                    closedBytes += files.bytesOf(day);
                }
            }
            counted = true;
            countedBeside = today;
            countedPruned = pruned;
        }
        if (current == null) {
            return new StoreUsage(closedDays, closedRecords, closedBytes, pruned);
        }
        return new StoreUsage(closedDays + 1, closedRecords + current.records(),
                closedBytes + files.bytesOf(today), pruned);
    }
}
