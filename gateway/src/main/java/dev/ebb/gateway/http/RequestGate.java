package dev.ebb.gateway.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebb.gateway.net.ConnectionLimits;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * What every request of a connection must meet before a listener's handlers see it: from its first byte (the first
 * request's headers: from the connection opening), its headers within the header deadline and all of it within the
 * request deadline, else 408 (RFC 9110 §15.5.9), so a slowloris client trickling a byte at a time holds its
 * connection for seconds, not for as long as it likes; a connection that sends nothing at all within the header
 * deadline is closed unanswered (it made no request to answer, and held a place for nothing: issue 9 hostile test
 * 13); and exactly one {@code Host} header in an HTTP/1.1 request (at most one in HTTP/1.0), else 400 (RFC 9112
 * §3.2). Either refusal closes the connection: what follows on it cannot be trusted to start a request.
 *
 * <p>Two handlers share one connection's state: {@link #bytes()} goes before the HTTP codec and sees a request's
 * first bytes arrive, {@link #messages()} goes after it and sees the request's head and its end. A request whose
 * first bytes came in the same read as the end of the one before starts its clock at the next read.
 *
 * <p>It also tells the connection's {@link ConnectionLimits.Slot} when the connection is busy (from a request's
 * first byte until its answer is written) and when it is idle again, so that only an idle connection is closed to
 * make room for a new one.
 */
final class RequestGate {
    private final Duration headerTimeout;
    private final Duration requestTimeout;
    private final ListenerRefusals refusals;
    private final ObjectMapper json;
    private final ConnectionLimits.Slot slot;
    private final LongAdder silent;

    private ChannelHandlerContext messagesCtx;
    private boolean inRequest;
    private boolean refused;
    /** The head of the request arriving, once its headers are whole. */
    private HttpRequest head;
    /** Requests whose head was read and whose answer has not been written to its end. */
    private int unanswered;
    private ScheduledFuture<?> headerDeadline;
    private ScheduledFuture<?> requestDeadline;

    /** @param silent counts connections closed for sending nothing within the header deadline */
    RequestGate(Duration headerTimeout, Duration requestTimeout, ListenerRefusals refusals, ObjectMapper json,
                ConnectionLimits.Slot slot, LongAdder silent) {
        this.headerTimeout = headerTimeout;
        this.requestTimeout = requestTimeout;
        this.refusals = refusals;
        this.json = json;
        this.slot = slot;
        this.silent = silent;
    }

    /** Goes before the HTTP codec. */
    ChannelHandler bytes() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                headerDeadline = schedule(headerTimeout, "headers", "the connection opening");
                ctx.fireChannelActive();
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (refused) {
                    ReferenceCountUtil.release(msg);
                    return;
                }
                if (!inRequest && msg instanceof ByteBuf b && b.isReadable() && messagesCtx != null) {
                    inRequest = true;
                    if (headerDeadline == null || headerDeadline.isDone()) {
                        headerDeadline = schedule(headerTimeout, "headers", "the request's first byte");
                    }
                    requestDeadline = schedule(requestTimeout, "request", "the request's first byte");
                }
                ctx.fireChannelRead(msg);
            }
        };
    }

    /** Goes right after the HTTP codec. */
    ChannelHandler messages() {
        return new ChannelDuplexHandler() {
            @Override
            public void handlerAdded(ChannelHandlerContext ctx) {
                messagesCtx = ctx;
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (refused) {
                    ReferenceCountUtil.release(msg);
                    return;
                }
                if (msg instanceof HttpRequest request) {
                    cancel(headerDeadline);
                    // Busy only once its headers are whole: a connection trickling them stays closable for a newer
                    // one, or a byte per connection would hold every place (hostile re-test of issue 9).
                    slot.busy();
                    head = request;
                    unanswered++;
                    if (request.decoderResult().isSuccess() && !oneHost(request)) {
                        ReferenceCountUtil.release(msg);
                        refuse(Problem.of(400, "invalid-host", "Invalid Host header", "an HTTP/1.1 request carries"
                                + " exactly one Host header, an HTTP/1.0 request at most one (RFC 9112 §3.2)")
                                .onField("Host"));
                        return;
                    }
                }
                if (msg instanceof LastHttpContent) {
                    cancel(requestDeadline);
                    inRequest = false;
                    head = null;
                    if (unanswered == 0) {
                        slot.idle(); // answered before its end (a 413 whose body is discarded)
                    }
                }
                ctx.fireChannelRead(msg);
            }

            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                boolean interim = msg instanceof HttpResponse r && r.status().codeClass() == HttpStatusClass.INFORMATIONAL;
                if (msg instanceof LastHttpContent && !interim && --unanswered == 0) {
                    // Idle once the answer has left: closed for a newer connection before, it would be cut short.
                    ChannelPromise written = promise.unvoid();
                    written.addListener(f -> {
                        if (unanswered == 0 && !inRequest) {
                            slot.idle();
                        }
                    });
                    ctx.write(msg, written);
                    return;
                }
                ctx.write(msg, promise);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                cancel(headerDeadline);
                cancel(requestDeadline);
                ctx.fireChannelInactive();
            }
        };
    }

    private static boolean oneHost(HttpRequest request) {
        int hosts = request.headers().getAll(HttpHeaderNames.HOST).size();
        return request.protocolVersion().equals(HttpVersion.HTTP_1_0) ? hosts <= 1 : hosts == 1;
    }

    private ScheduledFuture<?> schedule(Duration timeout, String part, String since) {
        return messagesCtx.executor().schedule(() -> {
            if (inRequest) {
                refuse(Problem.of(408, "request-timeout", "Request timeout", "the " + part + " did not arrive within "
                        + timeout.toMillis() + " ms of " + since));
            } else if (!refused) {
                refused = true;
                silent.increment();
                messagesCtx.close();
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void refuse(Problem problem) {
        if (refused) {
            return;
        }
        refused = true;
        cancel(headerDeadline);
        cancel(requestDeadline);
        ChannelHandlerContext ctx = messagesCtx;
        String requestId = refusals.refused(ctx, head, problem);
        // Answer only when no earlier answer is still being written (a streamed page, say): one in the middle of
        // another would garble both. A client that does not read its answers gets none either.
        int ownRequest = head == null ? 0 : 1;
        if (unanswered != ownRequest || !ctx.channel().isWritable()) {
            ctx.close();
            return;
        }
        FullHttpResponse response = Responses.problem(json, problem.withRequestId(requestId));
        HttpUtil.setKeepAlive(response, false);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    private static void cancel(ScheduledFuture<?> deadline) {
        if (deadline != null) {
            deadline.cancel(false);
        }
    }
}
