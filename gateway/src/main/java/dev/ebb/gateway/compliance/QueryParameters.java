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
    /** The parameters by their API names (those of {@link #asCriteria}); absent ones are null. */
    public static QueryParameters of(Map<String, String> byName) {
        return new QueryParameters(byName.get("msisdn"), byName.get("role"), byName.get("messageId"),
                byName.get("customer"), byName.get("from"), byName.get("to"), byName.get("limit"),
                byName.get("continuation"));
    }

    /** The first page of the records {@code selector} (msisdn, role, messageId, customer) names in a window. */
    public static QueryParameters selecting(Map<String, String> selector, String from, String to) {
        return new QueryParameters(selector.get("msisdn"), selector.get("role"), selector.get("messageId"),
                selector.get("customer"), from, to, null, null);
    }

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
