package dev.ebb.gateway.http.compliance;

import dev.ebb.gateway.compliance.QueryParameters;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Path segments and query or form parameters, read strictly: anything malformed is a {@link BadRequest}. */
final class Parameters {
    /** The parameters of a retention query. */
    static final Set<String> QUERY = Set.of("msisdn", "role", "messageId", "customer", "from", "to", "limit",
            "continuation");

    private Parameters() {
    }

    /**
     * The raw segments of a path, still percent-encoded: {@code /v1/cases/A%2FB/export} is
     * {@code [v1, cases, A%2FB, export]}. Variable segments are decoded with {@link #decode} where they are used,
     * inside the audited call, so that a malformed one is an audited 400.
     */
    static List<String> segments(String rawPath) {
        List<String> out = new ArrayList<>();
        for (String s : rawPath.split("/")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    /** A path segment decoded. */
    static String decode(String rawSegment) {
        try {
            return QueryStringDecoder.decodeComponent(rawSegment);
        } catch (IllegalArgumentException e) {
            throw new BadRequest("path", "the path has a malformed percent-encoding");
        }
    }

    /** The query parameters decoded. */
    static Map<String, List<String>> query(QueryStringDecoder uri) {
        try {
            return uri.parameters();
        } catch (IllegalArgumentException e) {
            throw new BadRequest("query", "the query string has a malformed percent-encoding");
        }
    }

    /** Query or form parameters, each at most once and among {@code allowed}. */
    static Map<String, String> flat(Map<String, List<String>> p, Set<String> allowed) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : p.entrySet()) {
            if (!allowed.contains(e.getKey())) {
                throw new BadRequest(e.getKey(), "unknown parameter " + e.getKey());
            }
            if (e.getValue().size() > 1) {
                throw new BadRequest(e.getKey(), e.getKey() + " is given more than once");
            }
            out.put(e.getKey(), e.getValue().isEmpty() ? null : e.getValue().get(0));
        }
        return out;
    }

    /** A retention query from parameters among {@code allowed}. */
    static QueryParameters retentionQuery(Map<String, List<String>> q, Set<String> allowed) {
        return QueryParameters.of(flat(q, allowed));
    }

    /** Body members as parameters given once each. */
    static Map<String, List<String>> single(Map<String, String> m) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, List.of(v)));
        return out;
    }
}
