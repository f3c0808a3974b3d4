package dev.ebb.gateway.http.compliance;

import dev.ebb.gateway.compliance.RequestContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A routed request as its call sees it. Path segments and the query are decoded only when the call asks, inside
 * the audited call, so that a malformed one is an audited 400.
 *
 * @param path the raw segments, still percent-encoded
 */
record Exchange(FullHttpRequest request, RequestContext ctx, List<String> path, QueryStringDecoder uri) {
    /** Path segment {@code i}, decoded. */
    String segment(int i) {
        return Parameters.decode(path.get(i));
    }

    /** The query parameters, each at most once and among {@code allowed}. */
    Map<String, String> query(Set<String> allowed) {
        return Parameters.flat(Parameters.query(uri), allowed);
    }

    /** The query parameters as decoded, for parameters that may also come in a body. */
    Map<String, List<String>> rawQuery() {
        return Parameters.query(uri);
    }
}
