package dev.ebb.gateway.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebb.gateway.config.HttpLimitsConfig;
import dev.ebb.gateway.config.ListenerConfig;
import dev.ebb.gateway.net.ConnectionLimits;
import dev.ebb.gateway.net.WriteBackpressure;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * One of Ebb's HTTP listeners (customer API, compliance API, metrics): connection caps (a new connection over them
 * closes the longest-idle one, see {@link ConnectionLimits}), TLS when configured, a read timeout, the HTTP codec with request deadlines and the Host check ({@link RequestGate}), then the listener's own
 * handlers. A connection whose answers pile up unread (a client pipelining requests and never reading) is not read
 * from until they drain, so such a client costs at most about the high-water mark of memory, not all of it: reading
 * stops ({@code autoRead} off) and the requests already decoded from the last read wait in a
 * {@link FlowControlHandler} instead of being answered into the buffer (one read of small pipelined requests can
 * hold thousands). Over 128 of them unanswered, Netty's codec fails the connection ({@code maxPipelineDepth}), and
 * the listener's handler closes it.
 */
public final class HttpListener implements AutoCloseable {
    /**
     * A kept-alive connection that sends nothing for this long between requests is closed: it would hold memory for
     * nothing (its place it gives up to any new connection). One that sends nothing from its start is closed at the
     * header deadline.
     */
    static final int IDLE_SECONDS = 60;
    /**
     * A request line of up to 32 KiB (Netty's default is 4 KiB): a Kannel {@code /cgi-bin/sendsms} GET names up to
     * {@code SendSmsDoor.MAX_RECEIVERS} (1,000) receivers in its query, some 21 KiB URL-encoded with a text. Headers
     * keep Netty's 8 KiB.
     */
    private static final HttpDecoderConfig DECODER = new HttpDecoderConfig().setMaxInitialLineLength(32 * 1024);

    private final Channel channel;
    private final ConnectionLimits caps;
    private final LongAdder silent;

    private HttpListener(Channel channel, ConnectionLimits caps, LongAdder silent) {
        this.channel = channel;
        this.caps = caps;
        this.silent = silent;
    }

    /**
     * Binds a listener.
     *
     * @param config   where it listens and its limits
     * @param refusals told of each request the listener refuses before its handlers see it
     * @param handlers makes each connection's handlers after the codec (aggregator, then the listener's handler)
     */
    public static HttpListener bind(ListenerConfig config, EventLoopGroup group, Optional<SslContext> tls,
                                    ListenerRefusals refusals, Supplier<List<ChannelHandler>> handlers)
            throws InterruptedException {
        return bind(config, group, tls, null, refusals, handlers);
    }

    /**
     * {@link #bind(ListenerConfig, EventLoopGroup, Optional, ListenerRefusals, Supplier)} with an access log.
     *
     * @param accessLog the listener's name in the access log ({@link AccessLog}), or null for none
     */
    public static HttpListener bind(ListenerConfig config, EventLoopGroup group, Optional<SslContext> tls,
                                    String accessLog, ListenerRefusals refusals,
                                    Supplier<List<ChannelHandler>> handlers) throws InterruptedException {
        HttpLimitsConfig limits = config.limits();
        ConnectionLimits caps = new ConnectionLimits(limits.maxConnections(), limits.maxConnectionsPerAddress());
        LongAdder silent = new LongAdder();
        ObjectMapper json = Responses.mapper();
        Channel channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WriteBackpressure.WATER_MARK)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        InetAddress client = ch.remoteAddress().getAddress();
                        ConnectionLimits.Slot slot = caps.slot(client, ch::close);
                        ConnectionLimits.Verdict verdict = caps.tryOpen(slot);
                        if (verdict != ConnectionLimits.Verdict.OPEN) {
                            ch.pipeline().addLast(new HttpServerCodec(), new OverCaps(verdict == ConnectionLimits
                                    .Verdict.LISTENER_FULL ? "the listener has its maximum of " + limits.maxConnections()
                                    + " connections open" : "this address has its maximum of "
                                    + limits.maxConnectionsPerAddress() + " connections open", tls.isEmpty(), refusals,
                                    json));
                            return;
                        }
                        ch.closeFuture().addListener(f -> slot.closed());
                        RequestGate gate = new RequestGate(limits.headerTimeout(), limits.requestTimeout(), refusals,
                                json, slot, silent);
                        tls.ifPresent(t -> ch.pipeline().addLast(t.newHandler(ch.alloc())));
                        ch.pipeline().addLast(new ReadTimeoutHandler(IDLE_SECONDS), WriteBackpressure.INSTANCE,
                                gate.bytes(), new HttpServerCodec(DECODER));
                        AccessLog.forConnection(accessLog).ifPresent(log -> ch.pipeline().addLast(log));
                        ch.pipeline().addLast(gate.messages(), new FlowControlHandler());
                        handlers.get().forEach(h -> ch.pipeline().addLast(h));
                    }
                }).bind(config.host(), config.port()).sync().channel();
        return new HttpListener(channel, caps, silent);
    }

    /** Connections answered 503 and closed on arrival: a cap was reached and no idle connection made room. */
    public long refusedConnections() {
        return caps.refusedCount();
    }

    /** Idle connections (before their first byte or between requests) closed to make room for a new one. */
    public long evictedConnections() {
        return caps.evictedCount();
    }

    /** Connections closed unanswered for sending nothing within the header deadline. */
    public long silentConnections() {
        return silent.sum();
    }

    /** True while the listener accepts connections (bound, not closed). */
    public boolean listening() {
        return channel.isActive();
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** Connections refused, evicted and closed for silence, tagged with the listener's {@code name}. */
    public MeterBinder metrics(String name) {
        return registry -> {
            FunctionCounter.builder("ebb.http.connections.refused", this, HttpListener::refusedConnections)
                    .tag("listener", name).description("HTTP connections answered 503 on arrival: limits.maxConnections"
                            + " or maxConnectionsPerAddress reached with a request in progress on every one")
                    .register(registry);
            FunctionCounter.builder("ebb.http.connections.evicted", this, HttpListener::evictedConnections)
                    .tag("listener", name).description("idle HTTP connections closed to make room for a new one")
                    .register(registry);
            FunctionCounter.builder("ebb.http.connections.silent", this, HttpListener::silentConnections)
                    .tag("listener", name).description("HTTP connections closed for sending nothing within"
                            + " limits.headerTimeout of opening")
                    .register(registry);
        };
    }

    /** Stops listening; the group belongs to the caller. */
    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }

    /**
     * Answers a connection over the caps (every place held by a request in progress) with 503 (RFC 9110 §15.6.4)
     * before it sends anything, and closes it. Over
     * TLS it is closed unanswered: an answer would need the handshake that the cap is there to save.
     */
    private static final class OverCaps extends ChannelInboundHandlerAdapter {
        private final String reason;
        private final boolean answer;
        private final ListenerRefusals refusals;
        private final ObjectMapper json;

        OverCaps(String reason, boolean answer, ListenerRefusals refusals, ObjectMapper json) {
            this.reason = reason;
            this.answer = answer;
            this.refusals = refusals;
            this.json = json;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.channel().config().setAutoRead(false);
            Problem p = Problem.of(503, "too-many-connections", "Too many connections", reason);
            String requestId = refusals.refused(ctx, null, p);
            if (!answer) {
                ctx.close();
                return;
            }
            FullHttpResponse response = Responses.problem(json, p.withRequestId(requestId));
            HttpUtil.setKeepAlive(response, false);
            response.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
