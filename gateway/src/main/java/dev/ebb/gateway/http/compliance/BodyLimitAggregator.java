package dev.ebb.gateway.http.compliance;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebb.gateway.compliance.Action;
import dev.ebb.gateway.compliance.ComplianceService;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;

/**
 * Aggregates requests up to the body limit and answers a larger one with 413 as {@code application/problem+json}
 * (RFC 9110 §15.5.14) instead of Netty's empty 413. An oversized request to a resource that takes a body is a refused
 * compliance request like any other, so it is audited first. Like Netty's own handling, the connection stays open for a
 * keep-alive request whose body is still arriving (the rest is discarded), so the client reads the answer instead of
 * a reset; otherwise it is closed after the answer.
 */
final class BodyLimitAggregator extends HttpObjectAggregator {
    private final int maxBodyBytes;
    private final ComplianceService service;
    private final ObjectMapper json = Responses.mapper();

    BodyLimitAggregator(int maxBodyBytes, ComplianceService service) {
        super(maxBodyBytes);
        this.maxBodyBytes = maxBodyBytes;
        this.service = service;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        boolean close = oversized instanceof FullHttpMessage
                || !HttpUtil.is100ContinueExpected(oversized) && !HttpUtil.isKeepAlive(oversized);
        String detail = "the request body is over the limit of " + maxBodyBytes + " bytes";
        String requestId = null;
        if (oversized instanceof HttpRequest request) {
            Action action = ComplianceHandler.bodyAction(request);
            if (action != null) {
                requestId = service.refuseMalformed(ComplianceHandler.context(ctx, request), action, "body", detail)
                        .requestId();
            }
        }
        var response = Responses.problem(json, Problem.of(413, "body-too-large", "Request body too large", detail,
                "body", requestId));
        HttpUtil.setKeepAlive(response, !close);
        var write = ctx.writeAndFlush(response);
        write.addListener(close ? ChannelFutureListener.CLOSE : ChannelFutureListener.CLOSE_ON_FAILURE);
    }
}
