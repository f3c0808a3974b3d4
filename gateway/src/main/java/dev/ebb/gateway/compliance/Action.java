package dev.ebb.gateway.compliance;

/** What a compliance API caller asked to do; each action is written to the audit log. */
public enum Action {
    /** Read retained traffic data (one page). */
    QUERY,
    /** Build an export package of retained traffic data for a case. */
    EXPORT,
    /** Read the audit log. */
    READ_AUDIT,
    /** Verify the audit log's hash chain. */
    VERIFY_AUDIT,
    /** Verify the metadata store's Merkle trees and signed heads. */
    VERIFY_INTEGRITY
}
