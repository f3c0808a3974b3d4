package dev.ebb.gateway.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebb.gateway.compliance.Json;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/** Builds the responses of Ebb's HTTP listeners (compliance and customer API): JSON, problem details, no caching. */
public final class Responses {
    public static final String NDJSON = "application/x-ndjson";
    public static final String CSV = "text/csv; charset=utf-8";
    public static final String JSON = "application/json";
    public static final String PROBLEM_JSON = "application/problem+json";

    /**
     * Built once: a mapper builds and caches a serializer per type on its first use, and a mapper per connection,
     * built and then warmed by the connection's first answer, halved the connections per second of the customer API
     * (issue 12).
     */
    private static final ObjectMapper MAPPER = Json.mapper();

    private Responses() {
    }

    /**
     * The mapper of responses (ISO-8601 times), one for every listener and connection: thread-safe once configured,
     * so callers must not reconfigure it.
     */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static FullHttpResponse of(int status, String contentType, byte[] body) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                // Disclosed traffic data must not linger in intermediaries' or browsers' caches (RFC 9111 §5.2.2.5).
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return r;
    }

    public static FullHttpResponse problem(ObjectMapper json, Problem p) {
        try {
            FullHttpResponse r = of(p.status(), PROBLEM_JSON, json.writeValueAsBytes(p));
            if (p.status() == 401) {
                // RFC 6750 §3: a 401 names the scheme the resource expects.
                r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"ebb\"");
            }
            return r;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("problem cannot be serialised", e);
        }
    }

    /** The token of an {@code Authorization: Bearer} header (RFC 6750 §2.1; the scheme is case-insensitive), or null. */
    public static String bearerToken(HttpRequest request) {
        String auth = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        return auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).strip() : null;
    }

    /**
     * Writes the answer to {@code request} in the request's HTTP version, keeping the connection open only if the
     * client asked to. An HTTP/1.0 client cannot read chunked transfer coding (RFC 9112 §6.1, §7), so a streamed
     * answer to one is sent without it and ends when Ebb closes the connection.
     */
    public static void send(ChannelHandlerContext ctx, HttpRequest request, HttpResponse response) {
        // Answering an HTTP/1.0 client in its own version is what it reads without surprise (ab, curl -0, old
        // integrations): an HTTP/1.1 status line made some of them wait for a close that keep-alive never sends.
        response.setProtocolVersion(request.protocolVersion());
        boolean endsWithClose = !request.protocolVersion().isKeepAliveDefault() && response instanceof StreamedResponse;
        boolean keepAlive = HttpUtil.isKeepAlive(request) && !endsWithClose;
        if (endsWithClose) {
            HttpUtil.setTransferEncodingChunked(response, false);
        }
        setKeepAlive(request, response, keepAlive);
        ChannelFuture done;
        if (response instanceof StreamedResponse streamed) {
            // Needs a ChunkedWriteHandler in the pipeline: it pulls the body as the connection drains.
            ctx.write(streamed);
            done = ctx.writeAndFlush(new HttpChunkedInput(streamed.body()));
        } else {
            done = ctx.writeAndFlush(response);
        }
        done.addListener(keepAlive ? ChannelFutureListener.CLOSE_ON_FAILURE : ChannelFutureListener.CLOSE);
    }

    /**
     * Says in {@code response} whether the connection stays open. An HTTP/1.1 answer is persistent unless it says
     * {@code close}; an HTTP/1.0 client takes an answer without {@code Connection: keep-alive} as the last on the
     * connection (RFC 9112 §9.3 and Appendix C.2.2), so it is named explicitly for one.
     */
    public static void setKeepAlive(HttpMessage request, HttpResponse response, boolean keepAlive) {
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (request.protocolVersion().isKeepAliveDefault()) {
            response.headers().remove(HttpHeaderNames.CONNECTION);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
    }

    /**
     * Answers a request Netty could not decode (a broken chunk, headers over the limit) with 400 and closes: what
     * follows on the connection cannot be trusted to start a request.
     */
    public static void refuseUndecodable(ChannelHandlerContext ctx, ObjectMapper json) {
        FullHttpResponse response = problem(json, Problem.of(400, "malformed-request", "Malformed request",
                "the request is not well-formed HTTP/1.1"));
        HttpUtil.setKeepAlive(response, false);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
