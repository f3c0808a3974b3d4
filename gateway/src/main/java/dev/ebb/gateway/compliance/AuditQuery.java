package dev.ebb.gateway.compliance;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A page of the audit log as an auditor asks for it, each parameter as given (null when absent): validated by
 * {@link ComplianceService#readAudit}, where a malformed one is an audited refusal.
 *
 * @param from          the first sequence number to look at (default 0)
 * @param limit         entries at most (capped like query pages)
 * @param caseReference only entries of this case
 * @param actor         only entries of this token id (an officer's, say)
 */
public record AuditQuery(String from, String limit, String caseReference, String actor) {
    /** Every entry from the start, one capped page. */
    public static AuditQuery everything() {
        return new AuditQuery(null, null, null, null);
    }

    /** The parameters given, as the audit entry of the read records them. */
    Map<String, String> asCriteria() {
        Map<String, String> criteria = new LinkedHashMap<>();
        put(criteria, "from", from);
        put(criteria, "limit", limit);
        put(criteria, "case", caseReference);
        put(criteria, "actor", actor);
        return criteria;
    }

    /** True if {@code event} is one this query selects. */
    boolean selects(AuditEvent event) {
        return (caseReference == null || caseReference.equals(event.caseReference()))
                && (actor == null || actor.equals(event.tokenId()));
    }

    private static void put(Map<String, String> criteria, String name, String value) {
        if (value != null) {
            criteria.put(name, value);
        }
    }

    /**
     * One page of entries.
     *
     * @param entries the entries selected, oldest first
     * @param next    the {@code from} of the next page, or null when the log holds no more
     */
    public record Page(List<AuditEntry> entries, Long next) {
    }
}
