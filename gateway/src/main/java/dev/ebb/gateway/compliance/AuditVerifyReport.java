package dev.ebb.gateway.compliance;

import java.util.Optional;

/**
 * The outcome of {@link AuditLog#verify()}.
 *
 * @param entriesChecked entries whose hash and link were checked before the first problem (all, when none)
 * @param lastHash       hash of the last good entry (64 zeros for an empty log): an auditor who notes it can later
 *                       detect a log cut short, which a hash chain alone cannot show
 * @param firstProblem   the first broken entry, empty when the chain verified
 */
public record AuditVerifyReport(long entriesChecked, String lastHash, Optional<Problem> firstProblem) {
    /** True when the whole chain verified. */
    public boolean ok() {
        return firstProblem.isEmpty();
    }

    /**
     * The first broken entry.
     *
     * @param line   1-based line number in the file
     * @param offset byte offset of that line
     * @param detail what is wrong (no criteria, no numbers)
     */
    public record Problem(long line, long offset, String detail) {
    }
}
