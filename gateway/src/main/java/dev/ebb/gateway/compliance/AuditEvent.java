package dev.ebb.gateway.compliance;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an audit entry says, before the log gives it a sequence number, time and place in the hash chain. The audit
 * log is protected data itself, so criteria are stored as the caller gave them (a disclosure must be reconstructible);
 * they never go to application logs.
 *
 * @param requestId        ties a request entry to its completion entry
 * @param action           what was asked
 * @param outcome          what happened
 * @param tokenId          the configured id of the caller's token, or null when none was valid
 * @param role             the token's role, or null
 * @param clientAddress    the caller's IP address (or "cli" offline), or null
 * @param caseReference    the case reference as given, or null
 * @param legalBasis       the legal basis as given, or null
 * @param criteria         the query parameters as given (never content: the store holds none)
 * @param reason           why it was refused or failed, or null
 * @param recordsDisclosed records disclosed, on completion entries; null otherwise
 * @param result           what a completed action produced besides a count (a disclosure request's new state and
 *                         expected size, a restriction's kind); empty otherwise. The request workflow is rebuilt from
 *                         these on start, so the audit log is the only record of it.
 */
public record AuditEvent(String requestId, Action action, Outcome outcome, String tokenId, String role,
                         String clientAddress, String caseReference, String legalBasis, Map<String, String> criteria,
                         String reason, Long recordsDisclosed, Map<String, String> result) {
    /** Sorts the criteria so that entries read the same whatever order the caller used. */
    public AuditEvent {
        if (requestId == null || action == null || outcome == null) {
            throw new IllegalArgumentException("audit event needs requestId, action and outcome");
        }
        criteria = criteria == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(criteria));
        result = result == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(result));
    }

    /** The completion entry of this (accepted) request. */
    public AuditEvent completed(long records) {
        return completed(records, Map.of());
    }

    /** The completion entry of this (accepted) request, with what it produced. */
    public AuditEvent completed(long records, Map<String, String> produced) {
        return new AuditEvent(requestId, action, Outcome.COMPLETED, tokenId, role, clientAddress, caseReference,
                legalBasis, criteria, null, records, produced);
    }

    /** The failure entry of this (accepted) request. */
    public AuditEvent failed(String why) {
        return new AuditEvent(requestId, action, Outcome.FAILED, tokenId, role, clientAddress, caseReference,
                legalBasis, criteria, why, 0L, Map.of());
    }
}
