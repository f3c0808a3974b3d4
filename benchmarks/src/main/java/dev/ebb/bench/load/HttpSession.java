package dev.ebb.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One keep-alive connection of the HTTP mode: {@code POST /v1/messages}, one request outstanding at a time (as a
 * customer's HTTP client sends), paced or back to back; with a batch over 1, each request names that many recipients
 * ({@code "to": [...]}) and each counts as a message sent, accepted or refused. Runs on its channel's event loop only.
 */
final class HttpSession extends SimpleChannelInboundHandler<FullHttpResponse> {
    private static final String PATH = "/v1/messages";

    private final String host;
    private final String authorization;
    private final Run run;
    private final Pacer pacer;
    /** Numbers the messages go to, over all connections. */
    private final AtomicLong destinations;
    /** Recipients per request. */
    private final int batch;
    /** Recipients of the request outstanding. */
    private int recipients;
    private ChannelHandlerContext ctx;
    private long sentAt;
    private boolean waiting;
    private boolean finished;

    HttpSession(String host, String apiKey, Run run, int perSecond, AtomicLong destinations, int batch) {
        this.host = host;
        this.authorization = "Bearer " + apiKey;
        this.run = run;
        this.pacer = new Pacer(perSecond);
        this.destinations = destinations;
        this.batch = batch;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        pacer.start();
        if (pacer.paced()) {
            ctx.executor().scheduleAtFixedRate(this::next, 1, 1, TimeUnit.MILLISECONDS);
        } else {
            next();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!run.budget().spent()) {
            System.err.println("connection closed by the gateway before the run ended");
        }
        finish();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
        waiting = false;
        long now = System.nanoTime();
        int status = response.status().code();
        if (batch == 1) {
            if (status == 202) {
                run.stats().accepted(firstId(response.content()), sentAt, now, run.receipts());
            } else {
                run.stats().refused("HTTP " + status);
            }
        } else {
            // The load's text is one segment: one id per recipient accepted, none in a recipient's problem.
            List<String> ids = status == 202 ? ReceiptServer.stringMembers(response.content()
                    .toString(StandardCharsets.UTF_8), "id") : List.of();
            ids.forEach(id -> run.stats().accepted(id, sentAt, now, run.receipts()));
            for (int i = ids.size(); i < recipients; i++) {
                run.stats().refused(status == 202 ? "HTTP 202, recipient refused" : "HTTP " + status);
            }
        }
        next();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        System.err.println("HTTP connection failed: " + cause);
        ctx.close();
    }

    private void next() {
        if (waiting || finished) {
            return;
        }
        if (pacer.owed() <= 0) {
            return; // the pacing timer calls again
        }
        recipients = run.budget().take(batch);
        if (recipients == 0) {
            finish();
            return;
        }
        pacer.sent();
        run.stats().sent.add(recipients);
        waiting = true;
        sentAt = System.nanoTime();
        ctx.writeAndFlush(request(to(recipients)));
    }

    /** A JSON string for one recipient, an array for a batch: each a number of its own, over all connections. */
    private String to(int n) {
        if (batch == 1) {
            return "\"+" + Destinations.digits(destinations.getAndIncrement()) + "\"";
        }
        StringBuilder to = new StringBuilder(n * 15).append('[');
        long first = destinations.getAndAdd(n);
        for (int i = 0; i < n; i++) {
            to.append(i == 0 ? "\"+" : ",\"+").append(Destinations.digits(first + i)).append('"');
        }
        return to.append(']').toString();
    }

    private FullHttpRequest request(String to) {
        ByteBuf body = Unpooled.copiedBuffer("{\"to\":" + to + ",\"from\":\"EbbLoad\",\"text\":\"Load test message "
                + "0123456789\"}", StandardCharsets.UTF_8);
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, PATH, body);
        request.headers().set(HttpHeaderNames.HOST, host).set(HttpHeaderNames.AUTHORIZATION, authorization)
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        return request;
    }

    /** The first segment's id of a 202 answer ({@code {"messages":[{"id":"…"}],…}}). */
    private static String firstId(ByteBuf content) {
        List<String> ids = ReceiptServer.stringMembers(content.toString(StandardCharsets.UTF_8), "id");
        return ids.isEmpty() ? null : ids.get(0);
    }

    private void finish() {
        if (!finished) {
            finished = true;
            run.done().countDown();
        }
    }
}
