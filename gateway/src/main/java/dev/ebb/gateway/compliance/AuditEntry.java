package dev.ebb.gateway.compliance;

import java.time.Instant;

/**
 * One entry of the {@link AuditLog}: an event with its position in the hash chain.
 *
 * @param sequence     0-based position in the log
 * @param time         when it was appended (log clock)
 * @param previousHash hex SHA-256 of the previous entry (64 zeros for the first)
 * @param event        what it records
 * @param hash         hex SHA-256 over this entry's serialised form, which includes {@code previousHash}
 */
public record AuditEntry(long sequence, Instant time, String previousHash, AuditEvent event, String hash) {
}
