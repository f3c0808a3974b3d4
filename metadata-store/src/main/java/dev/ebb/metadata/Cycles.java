package dev.ebb.metadata;

import java.nio.file.Files;
import java.time.LocalDate;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * How the store's days map onto Chronicle Queue: one {@code FAST_DAILY} cycle per UTC day, so a record's sequence in
 * its day is its sequence number in the cycle and {@code (day, sequence)} is its queue index. Written down once,
 * because the writer, recovery, queries, proofs and the verifier all address records this way.
 */
final class Cycles {
    static final RollCycle ROLL_CYCLE = RollCycles.FAST_DAILY;
    static final long DAY_MILLIS = 86_400_000L;
    /** Records {@link #read} reads on through rather than moving the tailer (reading one costs more than the index
     * scan passing one, so only a few). */
    private static final long READ_ON_MAX = 16;

    private Cycles() {
    }

    /** The UTC day of an instant. */
    static LocalDate dayOf(long epochMillis) {
        return LocalDate.ofEpochDay(Math.floorDiv(epochMillis, DAY_MILLIS));
    }

    static long startMillis(LocalDate day) {
        return day.toEpochDay() * DAY_MILLIS;
    }

    /** The queue index of record {@code sequence} of {@code day}. */
    static long index(LocalDate day, long sequence) {
        return ROLL_CYCLE.toIndex((int) day.toEpochDay(), sequence);
    }

    /** The records the queue holds for {@code day}; a day with side files but no cycle file (yet) holds none. */
    static long recordsIn(DayFiles files, ExcerptTailer tailer, LocalDate day) {
        return Files.exists(files.cycleFile(day)) ? tailer.excerptsInCycle((int) day.toEpochDay()) : 0;
    }

    /**
     * Record {@code sequence} of {@code day} as stored, or null if the queue has no such record. A record a little
     * ahead of the tailer in the same day is reached by reading on: {@code moveToIndex} scans from the nearest index
     * entry, and {@code FAST_DAILY} has one every 256 records, so a random read passes some 128 records' headers (it
     * was two thirds of a query's time); a query reads ascending sequences, and a message's records lie close together.
     */
    static byte[] read(ExcerptTailer tailer, LocalDate day, long sequence) {
        long target = index(day, sequence);
        long at = tailer.index();
        long ahead = target - at;
        if (ahead < 0 || ahead > READ_ON_MAX || ROLL_CYCLE.toCycle(at) != ROLL_CYCLE.toCycle(target)) {
            return tailer.moveToIndex(target) ? readCurrent(tailer) : null;
        }
        for (long skip = 0; skip < ahead; skip++) {
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent()) {
                    return null;
                }
            }
        }
        if (tailer.index() != target) {
            return tailer.moveToIndex(target) ? readCurrent(tailer) : null;
        }
        return readCurrent(tailer);
    }

    /** The record at the tailer's position as stored (and moves past it), or null at the end. */
    static byte[] readCurrent(ExcerptTailer tailer) {
        try (DocumentContext dc = tailer.readingDocument()) {
            if (!dc.isPresent()) {
                return null;
            }
            Bytes<?> b = dc.wire().bytes();
            byte[] out = new byte[(int) b.readRemaining()];
            b.read(out);
            return out;
        }
    }
}
