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

/**
 * Aggregates requests up to the body limit and answers a larger one with 413 as {@code application/problem+json}
 * (RFC 9110 §15.5.14) instead of Netty's empty 413. Like Netty's own handling, the connection stays open for a
 * keep-alive request whose body is still arriving (the decoder knows its length and discards the rest), so the client
 * reads the answer instead of a reset; otherwise it is closed after the answer.
 *
 * <p>A request refused on its head alone, before its body is read (an expectation other than {@code 100-continue},
 * or {@code 100-continue} with a body over the limit), closes the connection after its answer, and nothing read
 * after that head is passed on: Netty's decoder takes the next bytes to start a new request, and a body sent anyway
 * would be run as one (request smuggling, issue 9 hostile test 10). RFC 9110 §10.1.1 leaves the server the choice
 * of reading and discarding the body or closing; Ebb closes.
 */
public final class BodyLimitAggregator extends HttpObjectAggregator {
    private final int maxBodyBytes;
    private final ListenerRefusals onRefused;
    private final ObjectMapper json = Responses.mapper();
    /** A request was refused on its head: what the decoder makes of its body is no request. */
    private boolean refusedUnread;

    /**
     * @param onRefused told of each request refused here before it is answered (the compliance listener audits it);
     *                  returns the request id to name in the answer, or null
     */
    public BodyLimitAggregator(int maxBodyBytes, ListenerRefusals onRefused) {
        super(maxBodyBytes, true);
        this.maxBodyBytes = maxBodyBytes;
        this.onRefused = onRefused;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (refusedUnread) {
            ReferenceCountUtil.release(msg);
            return;
        }
        super.channelRead(ctx, msg);
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        boolean close = oversized instanceof FullHttpMessage
                || !HttpUtil.is100ContinueExpected(oversized) && !HttpUtil.isKeepAlive(oversized);
        FullHttpResponse response = refusal(ctx, oversized, tooLarge());
        Responses.setKeepAlive(oversized, response, !close);
        var write = ctx.writeAndFlush(response);
        write.addListener(close ? ChannelFutureListener.CLOSE : ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    /**
     * A request that announces an oversized body and waits for {@code 100 Continue} (curl does so for large bodies)
     * gets the same answer, and the same notice, as one that sends it; one that expects anything but
     * {@code 100-continue} gets 417 (RFC 9110 §10.1.1). Netty's own answers to both are empty. Either closes the
     * connection once written ({@code closeOnExpectationFailed}).
     */
    @Override
    protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
        Object answer = super.newContinueResponse(start, maxContentLength, pipeline);
        if (!(answer instanceof HttpResponse r) || r.status().codeClass() != HttpStatusClass.CLIENT_ERROR) {
            return answer;
        }
        ReferenceCountUtil.release(answer);
        refusedUnread = true;
        Problem problem = r.status().code() == HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.code() ? tooLarge()
                : Problem.of(417, "expectation-failed", "Expectation failed",
                        "the only expectation supported is 100-continue").onField("Expect");
        FullHttpResponse response = refusal(pipeline.context(this), start, problem);
        Responses.setKeepAlive(start, response, false);
        return response;
    }

    private Problem tooLarge() {
        return Problem.of(413, "body-too-large", "Request body too large",
                "the request body is over the limit of " + maxBodyBytes + " bytes").onField("body");
    }

    private FullHttpResponse refusal(ChannelHandlerContext ctx, HttpMessage request, Problem problem) {
        String requestId = request instanceof HttpRequest r ? onRefused.refused(ctx, r, problem) : null;
        return Responses.problem(json, problem.withRequestId(requestId));
    }
}
