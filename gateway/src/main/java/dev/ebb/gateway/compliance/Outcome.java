package dev.ebb.gateway.compliance;

/**
 * The outcome an audit entry records. A request entry is {@link #ACCEPTED} (written before the action runs) or
 * {@link #REFUSED}; an accepted request is followed by exactly one completion entry, {@link #COMPLETED} with the
 * number of records disclosed or {@link #FAILED} with the reason.
 */
public enum Outcome {
    /** Authorised and valid; about to run. */
    ACCEPTED,
    /** Not run: unauthenticated, forbidden or invalid. */
    REFUSED,
    /** Ran; the entry says how many records were disclosed. */
    COMPLETED,
    /** Accepted but did not complete; nothing was disclosed. */
    FAILED
}
