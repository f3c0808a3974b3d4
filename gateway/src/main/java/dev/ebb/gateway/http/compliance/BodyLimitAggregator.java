package dev.ebb.gateway.http.compliance;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;

/**
 * Aggregates requests up to the body limit and answers a larger one with 413 as {@code application/problem+json}
 * (RFC 9110 §15.5.14) instead of Netty's empty 413. Like Netty's own handling, the connection stays open for a
 * keep-alive request whose body is still arriving (the rest is discarded), so the client reads the answer instead of
 * a reset; otherwise it is closed after the answer.
 */
final class BodyLimitAggregator extends HttpObjectAggregator {
    private final int maxBodyBytes;
    private final ObjectMapper json = Responses.mapper();

    BodyLimitAggregator(int maxBodyBytes) {
        super(maxBodyBytes);
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        boolean close = oversized instanceof FullHttpMessage
                || !HttpUtil.is100ContinueExpected(oversized) && !HttpUtil.isKeepAlive(oversized);
        var response = Responses.problem(json, Problem.of(413, "body-too-large", "Request body too large",
                "the request body is over the limit of " + maxBodyBytes + " bytes", "body", null));
        HttpUtil.setKeepAlive(response, !close);
        var write = ctx.writeAndFlush(response);
        write.addListener(close ? ChannelFutureListener.CLOSE : ChannelFutureListener.CLOSE_ON_FAILURE);
    }
}
