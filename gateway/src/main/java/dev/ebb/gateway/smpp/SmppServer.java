package dev.ebb.gateway.smpp;

import dev.ebb.gateway.config.CustomerConfig;
import dev.ebb.gateway.config.SmppServerConfig;
import dev.ebb.gateway.net.ConnectionLimits;
import dev.ebb.gateway.net.WriteBackpressure;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelOption;
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
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The northbound SMPP 3.4 listener customers bind to. */
public final class SmppServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SmppServer.class);
    private final Channel listener;
    private final ChannelGroup connections;
    private final CustomerSessions sessions;
    private final ExecutorService authExecutor;
    private final Refusals refusals;
    private final Authenticator authenticator;

    private SmppServer(Channel listener, ChannelGroup connections, CustomerSessions sessions, ExecutorService authExecutor,
                       Refusals refusals, Authenticator authenticator) {
        this.listener = listener;
        this.connections = connections;
        this.sessions = sessions;
        this.authExecutor = authExecutor;
        this.refusals = refusals;
        this.authenticator = authenticator;
    }

    /**
     * @param customersBySystemId accounts allowed to bind, by SMPP system_id
     * @param workers             the event loops sessions run on (the wiring decides threads)
     * @param clock               times the locks of repeatedly failing binds
     */
    public static SmppServer start(SmppServerConfig config, Map<String, CustomerConfig> customersBySystemId,
                                   SubmitSmHandler handler, EventLoopGroup boss, EventLoopGroup workers,
                                   Optional<SslContext> tls, Clock clock) throws InterruptedException {
        ExecutorService authExecutor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "smpp-bind-auth");
            t.setDaemon(true);
            return t;
        });
        Authenticator authenticator = new Authenticator(customersBySystemId, authExecutor, new BindThrottle(clock));
        CustomerSessions sessions = new CustomerSessions(System::nanoTime);
        ChannelGroup connections = new DefaultChannelGroup("smpp-customers", GlobalEventExecutor.INSTANCE);
        AtomicLong ids = new AtomicLong();
        ConnectionLimits limits = new ConnectionLimits(config.maxConnections(), config.maxConnectionsPerAddress());
        Refusals refusals = new Refusals();
        Channel listener = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WriteBackpressure.WATER_MARK)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, WriteBackpressure.RECEIVE_BUFFERS)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        InetAddress address = ch.remoteAddress().getAddress();
                        ConnectionLimits.Verdict verdict = limits.tryOpen(address);
                        if (verdict != ConnectionLimits.Verdict.OPEN) {
                            refusals.refused(verdict, address);
                            ch.close();
                            return;
                        }
                        ch.closeFuture().addListener(closed -> limits.closed(address));
                        connections.add(ch);
                        ch.pipeline().addLast(WriteBackpressure.INSTANCE);
                        tls.ifPresent(t -> ch.pipeline().addLast(t.newHandler(ch.alloc())));
                        ch.pipeline().addLast(
                                new IdleStateHandler(config.idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS),
                                new SmppCodec(config.maxCommandLength()),
                                new SmppSessionHandler(config, authenticator, sessions, handler, ids.incrementAndGet()));
                    }
                }).bind(config.host(), config.port()).sync().channel();
        return new SmppServer(listener, connections, sessions, authExecutor, refusals, authenticator);
    }

    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    public CustomerSessions sessions() {
        return sessions;
    }

    /** Connections closed on arrival because the listener or their client address was at its cap (a counter). */
    public long refusedConnections() {
        return refusals.count.sum();
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
     * Counts refused connections and logs them, at most once per 10 s: a flood of connections must not become
     * a flood of log lines.
     */
    private static final class Refusals {
        private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
        private final LongAdder count = new LongAdder();
        private final AtomicLong nextLog = new AtomicLong(System.nanoTime());

        void refused(ConnectionLimits.Verdict verdict, InetAddress address) {
            count.increment();
            long now = System.nanoTime();
            long next = nextLog.get();
            if (now - next >= 0 && nextLog.compareAndSet(next, now + LOG_INTERVAL_NANOS)) {
                LOG.warn("closing new SMPP connection from {}: {}; {} refused since start, logged at most every 10 s",
                        address.getHostAddress(), verdict == ConnectionLimits.Verdict.LISTENER_FULL
                                ? "listener full (smpp.maxConnections)"
                                : "too many from that address (smpp.maxConnectionsPerAddress)", count.sum());
            }
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
}
