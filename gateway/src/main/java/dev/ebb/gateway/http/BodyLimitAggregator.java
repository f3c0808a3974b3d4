package dev.ebb.gateway.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;
import java.util.function.BiFunction;

/**
 * Aggregates requests up to the body limit and answers a larger one with 413 as {@code application/problem+json}
 * (RFC 9110 §15.5.14) instead of Netty's empty 413. Like Netty's own handling, the connection stays open for a
 * keep-alive request whose body is still arriving (the rest is discarded), so the client reads the answer instead of
 * a reset; otherwise it is closed after the answer.
 */
public final class BodyLimitAggregator extends HttpObjectAggregator {
    private final int maxBodyBytes;
    private final BiFunction<ChannelHandlerContext, HttpRequest, String> onOversized;
    private final ObjectMapper json = Responses.mapper();

    /**
     * @param onOversized told of each oversized request before it is answered (the compliance listener audits it);
     *                    returns the request id to name in the answer, or null
     */
    public BodyLimitAggregator(int maxBodyBytes, BiFunction<ChannelHandlerContext, HttpRequest, String> onOversized) {
        super(maxBodyBytes);
        this.maxBodyBytes = maxBodyBytes;
        this.onOversized = onOversized;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        boolean close = oversized instanceof FullHttpMessage
                || !HttpUtil.is100ContinueExpected(oversized) && !HttpUtil.isKeepAlive(oversized);
        FullHttpResponse response = tooLarge(ctx, oversized);
        Responses.setKeepAlive(oversized, response, !close);
        var write = ctx.writeAndFlush(response);
        write.addListener(close ? ChannelFutureListener.CLOSE : ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    /**
     * A request that announces an oversized body and waits for {@code 100 Continue} (curl does so for large bodies)
     * gets the same answer, and the same notice, as one that sends it; one that expects anything but
     * {@code 100-continue} gets 417 (RFC 9110 §10.1.1). Netty's own answers to both are empty.
     */
    @Override
    protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
        Object answer = super.newContinueResponse(start, maxContentLength, pipeline);
        if (!(answer instanceof HttpResponse r) || r.status().codeClass() != HttpStatusClass.CLIENT_ERROR) {
            return answer;
        }
        ReferenceCountUtil.release(answer);
        FullHttpResponse response = r.status().code() == HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.code()
                ? tooLarge(pipeline.context(this), start)
                : Responses.problem(json, Problem.of(417, "expectation-failed", "Expectation failed",
                        "the only expectation supported is 100-continue").onField("Expect"));
        Responses.setKeepAlive(start, response, HttpUtil.isKeepAlive(start));
        return response;
    }

    private FullHttpResponse tooLarge(ChannelHandlerContext ctx, HttpMessage oversized) {
        String requestId = oversized instanceof HttpRequest request ? onOversized.apply(ctx, request) : null;
        return Responses.problem(json, Problem.of(413, "body-too-large", "Request body too large",
                "the request body is over the limit of " + maxBodyBytes + " bytes")
                .onField("body").withRequestId(requestId));
    }
}
