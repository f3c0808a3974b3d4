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

    /** Record {@code sequence} of {@code day} as stored, or null if the queue has no such record. */
    static byte[] read(ExcerptTailer tailer, LocalDate day, long sequence) {
        return tailer.moveToIndex(index(day, sequence)) ? readCurrent(tailer) : null;
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
