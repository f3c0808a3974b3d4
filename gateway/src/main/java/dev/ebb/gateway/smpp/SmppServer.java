package dev.ebb.gateway.smpp;

import dev.ebb.gateway.config.CustomerConfig;
import dev.ebb.gateway.config.SmppServerConfig;
import dev.ebb.gateway.net.ConnectionLimits;
import dev.ebb.gateway.net.WriteBackpressure;
import dev.ebb.gateway.smpp.pdu.SmppCodec;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The northbound SMPP 3.4 listener customers bind to. */
public final class SmppServer implements AutoCloseable, MeterBinder {
    private static final Logger LOG = LoggerFactory.getLogger(SmppServer.class);
    private final Channel listener;
    private final ChannelGroup connections;
    private final CustomerSessions sessions;
    private final ExecutorService authExecutor;
    private final ConnectionLimits limits;
    private final Authenticator authenticator;

    private SmppServer(Channel listener, ChannelGroup connections, CustomerSessions sessions, ExecutorService authExecutor,
                       ConnectionLimits limits, Authenticator authenticator) {
        this.listener = listener;
        this.connections = connections;
        this.sessions = sessions;
        this.authExecutor = authExecutor;
        this.limits = limits;
        this.authenticator = authenticator;
    }

    /** A server with sessions of its own ({@link #sessions()}). */
    public static SmppServer start(SmppServerConfig config, Map<String, CustomerConfig> customersBySystemId,
                                   SubmitSmHandler handler, MessageOperations operations, EventLoopGroup boss,
                                   EventLoopGroup workers, Optional<SslContext> tls, Clock clock)
            throws InterruptedException {
        return start(config, customersBySystemId, new CustomerSessions(), handler, operations, boss, workers, tls, clock);
    }

    /**
     * @param customersBySystemId accounts allowed to bind, by SMPP system_id
     * @param sessions            where bound sessions are kept; made before the server, so that what sends to
     *                            customers (receipts, MO) can be built before it
     * @param operations          takes query_sm, cancel_sm and replace_sm
     * @param workers             the event loops sessions run on (the wiring decides threads)
     * @param clock               times the locks of repeatedly failing binds
     */
    public static SmppServer start(SmppServerConfig config, Map<String, CustomerConfig> customersBySystemId,
                                   CustomerSessions sessions, SubmitSmHandler handler, MessageOperations operations,
                                   EventLoopGroup boss, EventLoopGroup workers, Optional<SslContext> tls, Clock clock)
            throws InterruptedException {
        ExecutorService authExecutor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "smpp-bind-auth");
            t.setDaemon(true);
            return t;
        });
        Authenticator authenticator = new Authenticator(customersBySystemId, authExecutor, new BindThrottle(clock));
        ChannelGroup connections = new DefaultChannelGroup("smpp-customers", GlobalEventExecutor.INSTANCE);
        ConnectionLimits limits = new ConnectionLimits(config.maxConnections(), config.maxConnectionsPerAddress(),
                config.maxUnbound());
        Notices notices = new Notices();
        Channel listener = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WriteBackpressure.WATER_MARK)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, WriteBackpressure.RECEIVE_BUFFERS)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        InetAddress address = ch.remoteAddress().getAddress();
                        ConnectionLimits.Slot slot = limits.slot(address, () -> {
                            notices.evicted(address, limits.evictedCount());
                            ch.close();
                        });
                        ConnectionLimits.Verdict verdict = limits.tryOpen(slot);
                        if (verdict != ConnectionLimits.Verdict.OPEN) {
                            notices.refused(verdict, address, limits.refusedCount());
                            ch.close();
                            return;
                        }
                        ch.closeFuture().addListener(closed -> slot.closed());
                        connections.add(ch);
                        ch.pipeline().addLast(WriteBackpressure.INSTANCE);
                        tls.ifPresent(t -> ch.pipeline().addLast(t.newHandler(ch.alloc())));
                        ch.pipeline().addLast(
                                new IdleStateHandler(config.idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS),
                                new SmppCodec(config.maxCommandLength()),
                                new SmppSessionHandler(config, authenticator, sessions, handler, operations,
                                        sessions.nextSessionId(),
                                        slot::busy));
                    }
                }).bind(config.host(), config.port()).sync().channel();
        return new SmppServer(listener, connections, sessions, authExecutor, limits, authenticator);
    }

    /** True while the listener accepts connections (bound, not closed). */
    public boolean listening() {
        return listener.isActive();
    }

    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    public CustomerSessions sessions() {
        return sessions;
    }

    /**
     * Connections closed on arrival because the listener or their client address was at its cap with bound
     * sessions only (a counter).
     */
    public long refusedConnections() {
        return limits.refusedCount();
    }

    /** Unbound connections closed to make room for a newer one (a counter). */
    public long evictedConnections() {
        return limits.evictedCount();
    }

    /** Binds refused unchecked because their (system_id, address) or address was locked after failures (a counter). */
    public long lockedBinds() {
        return authenticator.lockedCount();
    }

    /** Connections open now, bound or not (a gauge). */
    public int openConnections() {
        return connections.size();
    }

    /** Response and deliver_sm bytes queued in Ebb for all connections, not yet taken by the kernel (a gauge). */
    public long pendingOutboundBytes() {
        long pending = 0;
        for (Channel ch : connections) {
            ChannelOutboundBuffer buffer = ch.unsafe().outboundBuffer();
            pending += buffer == null ? 0 : buffer.totalPendingWriteBytes();
        }
        return pending;
    }

    /**
     * Logs refused and evicted connections, each at most once per 10 s: a flood of connections must not become a
     * flood of log lines.
     */
    private static final class Notices {
        private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
        private final AtomicLong nextRefusal = new AtomicLong(System.nanoTime());
        private final AtomicLong nextEviction = new AtomicLong(System.nanoTime());

        void refused(ConnectionLimits.Verdict verdict, InetAddress address, long count) {
            if (due(nextRefusal)) {
                LOG.warn("closing new SMPP connection from {}: {}; {} refused since start, logged at most every 10 s",
                        address.getHostAddress(), verdict == ConnectionLimits.Verdict.LISTENER_FULL
                                ? "listener full of bound sessions (smpp.maxConnections)"
                                : "that address has its maximum of bound sessions (smpp.maxConnectionsPerAddress)",
                        count);
            }
        }

        void evicted(InetAddress address, long count) {
            if (due(nextEviction)) {
                LOG.warn("closing unbound SMPP connection from {} to make room for a newer one (smpp.maxUnbound,"
                        + " maxConnections or maxConnectionsPerAddress reached); {} closed so since start, logged at"
                        + " most every 10 s", address.getHostAddress(), count);
            }
        }

        private static boolean due(AtomicLong next) {
            long now = System.nanoTime();
            long at = next.get();
            return now - at >= 0 && next.compareAndSet(at, now + LOG_INTERVAL_NANOS);
        }
    }

    /** Stops accepting, asks every bound customer to unbind, and closes what is left after a grace period. */
    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        connections.forEach(ch -> {
            SmppSessionHandler session = ch.pipeline().get(SmppSessionHandler.class);
            if (session != null) {
                session.unbind();
            }
        });
        connections.newCloseFuture().awaitUninterruptibly(2, TimeUnit.SECONDS);
        connections.close().awaitUninterruptibly();
        authExecutor.shutdownNow();
    }

    /** Sessions, connections, refusals and what waits unread for customers. */
    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("ebb.smpp.sessions", sessions, CustomerSessions::boundSessions).register(registry);
        Gauge.builder("ebb.smpp.connections", this, SmppServer::openConnections)
                .description("SMPP connections open, bound or not").register(registry);
        FunctionCounter.builder("ebb.smpp.connections.refused", this, SmppServer::refusedConnections)
                .description("SMPP connections closed on arrival: smpp.maxConnections or maxConnectionsPerAddress reached"
                        + " with bound sessions only")
                .register(registry);
        FunctionCounter.builder("ebb.smpp.connections.evicted", this, SmppServer::evictedConnections)
                .description("unbound SMPP connections closed to make room for a newer one (smpp.maxUnbound,"
                        + " maxConnections or maxConnectionsPerAddress reached)")
                .register(registry);
        FunctionCounter.builder("ebb.smpp.binds.locked", this, SmppServer::lockedBinds)
                .description("SMPP binds refused unchecked after repeated failures from their address (password guessing)")
                .register(registry);
        Gauge.builder("ebb.smpp.outbound.pending", this, SmppServer::pendingOutboundBytes).baseUnit("bytes")
                .description("responses and deliver_sm queued for customers that read slowly; over 64 KiB a connection is"
                        + " not read and gets no deliver_sm")
                .register(registry);
    }
}
