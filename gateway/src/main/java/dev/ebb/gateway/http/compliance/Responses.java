package dev.ebb.gateway.http.compliance;

import dev.ebb.gateway.compliance.Json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/** Builds the listener's responses. */
final class Responses {
    static final String NDJSON = "application/x-ndjson";
    static final String CSV = "text/csv; charset=utf-8";
    static final String JSON = "application/json";
    static final String PROBLEM_JSON = "application/problem+json";

    private Responses() {
    }

    /** A mapper for responses: ISO-8601 times. */
    static ObjectMapper mapper() {
        return Json.mapper();
    }

    static FullHttpResponse of(int status, String contentType, byte[] body) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                // Disclosed traffic data must not linger in intermediaries' or browsers' caches (RFC 9111 §5.2.2.5).
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return r;
    }

    static FullHttpResponse problem(ObjectMapper json, Problem p) {
        try {
            FullHttpResponse r = of(p.status(), PROBLEM_JSON, json.writeValueAsBytes(p));
            if (p.status() == 401) {
                // RFC 6750 §3: a 401 names the scheme the resource expects.
                r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"ebb-compliance\"");
            }
            return r;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("problem cannot be serialised", e);
        }
    }
}
