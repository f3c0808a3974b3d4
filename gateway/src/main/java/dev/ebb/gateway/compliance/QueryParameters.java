package dev.ebb.gateway.compliance;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A retention query as the caller gave it, unparsed: the service validates each field and names the bad one.
 * Exactly one of {@code msisdn}, {@code messageId} and {@code customer} selects the records.
 *
 * @param msisdn       an E.164 number, or null
 * @param role         {@code source}, {@code destination} or {@code either} (default), for {@code msisdn}
 * @param messageId    an Ebb message id, or null
 * @param customer     a customer id, or null
 * @param from         window start, inclusive: ISO-8601 instant or date (UTC); default the start of retention
 * @param to           window end, exclusive: ISO-8601 instant or date (UTC); default now
 * @param limit        page size; capped at the configured maximum
 * @param continuation the token of the previous page, or null
 */
public record QueryParameters(String msisdn, String role, String messageId, String customer, String from, String to,
                              String limit, String continuation) {
    /** The parameters given, by their API names, for the audit log. */
    public Map<String, String> asCriteria() {
        Map<String, String> m = new LinkedHashMap<>();
        put(m, "msisdn", msisdn);
        put(m, "role", role);
        put(m, "messageId", messageId);
        put(m, "customer", customer);
        put(m, "from", from);
        put(m, "to", to);
        put(m, "limit", limit);
        put(m, "continuation", continuation);
        return m;
    }

    private static void put(Map<String, String> m, String key, String value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
