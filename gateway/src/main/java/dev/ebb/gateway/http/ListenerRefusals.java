package dev.ebb.gateway.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpRequest;

/**
 * Told of each request an {@link HttpListener} refuses itself, before any of the listener's handlers sees it: a
 * request not complete within its deadline (408), one without exactly one {@code Host} (400), a connection over the
 * caps (503). The compliance listener audits these like any refused request.
 */
@FunctionalInterface
public interface ListenerRefusals {
    /** Refusals nobody records. */
    ListenerRefusals NONE = (ctx, request, problem) -> null;

    /**
     * @param request the request's head, or null when its headers never arrived whole (or, for a connection over
     *                the caps, before any request)
     * @param problem what the client is answered
     * @return the audit request id to name in the answer, or null
     */
    String refused(ChannelHandlerContext ctx, HttpRequest request, Problem problem);
}
