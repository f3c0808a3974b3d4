package dev.ebb.metadata;

import java.time.LocalDate;
import java.util.Optional;

/**
 * The outcome of {@link MetadataStore#verify(LocalDate, LocalDate)}.
 *
 * @param from           first day checked
 * @param to             last day checked
 * @param daysChecked    days with records in the range
 * @param recordsChecked records recomputed
 * @param firstProblem   the first problem found, in day and sequence order; empty when the range verified
 */
public record VerifyReport(LocalDate from, LocalDate to, int daysChecked, long recordsChecked,
                           Optional<Problem> firstProblem) {
    /** True when nothing was found. */
    public boolean ok() {
        return firstProblem.isEmpty();
    }

    /** What kind of problem was found. */
    public enum Kind {
        /** A record's bytes differ from what was signed. */
        CHANGED,
        /** Records the signed head covers are absent. */
        MISSING,
        /** A signed record appears at another position. */
        REORDERED,
        /** The last record is cut short (a crash during its write); it was never acknowledged. */
        TORN_LAST_RECORD,
        /** A record exists that no head covers and the leaf log does not know. */
        UNEXPECTED_RECORD,
        /** A signed tree head's signature is invalid. */
        BAD_SIGNATURE,
        /** A day's head does not commit to the previous day's latest head, or a kept day is missing. */
        BROKEN_CHAIN,
        /** A day has records but no signed head. */
        UNSIGNED_DAY,
        /** The day's leaf log does not match its signed head, so records cannot be located individually. */
        LEAVES_DAMAGED
    }

    /**
     * One problem.
     *
     * @param kind     what
     * @param day      the day cycle
     * @param sequence the record position, or -1 when it concerns the whole day
     * @param detail   a human-readable explanation (no content, no numbers)
     */
    public record Problem(Kind kind, LocalDate day, long sequence, String detail) {
    }
}
