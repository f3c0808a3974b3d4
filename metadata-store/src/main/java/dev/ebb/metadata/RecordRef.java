package dev.ebb.metadata;

import java.time.LocalDate;

/**
 * Where a record is: its day cycle and its 0-based position in that day (its leaf index in the day's Merkle tree).
 *
 * @param day      the UTC day cycle
 * @param sequence position within the day, from 0
 */
public record RecordRef(LocalDate day, long sequence) {
    /** Validates the fields. */
    public RecordRef {
        Fields.requireNonNull("day", day);
        Fields.requireRange("sequence", sequence, 0, Long.MAX_VALUE);
    }
}
