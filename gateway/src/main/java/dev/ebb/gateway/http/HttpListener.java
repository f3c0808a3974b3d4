package dev.ebb.gateway.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One of Ebb's HTTP listeners (customer API, compliance API, metrics): TLS when configured, a read timeout, the HTTP
 * codec, then the listener's own handlers.
 */
public final class HttpListener implements AutoCloseable {
    /** A connection that sends nothing for this long is closed: it would hold memory (and a slot) for nothing. */
    static final int IDLE_SECONDS = 60;

    private final Channel channel;

    private HttpListener(Channel channel) {
        this.channel = channel;
    }

    /**
     * Binds a listener.
     *
     * @param handlers makes each connection's handlers after the codec (aggregator, then the listener's handler)
     */
    public static HttpListener bind(String host, int port, EventLoopGroup group, Optional<SslContext> tls,
                                    Supplier<List<ChannelHandler>> handlers) throws InterruptedException {
        Channel channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        tls.ifPresent(t -> ch.pipeline().addLast(t.newHandler(ch.alloc())));
                        ch.pipeline().addLast(new ReadTimeoutHandler(IDLE_SECONDS), new HttpServerCodec());
                        handlers.get().forEach(h -> ch.pipeline().addLast(h));
                    }
                }).bind(host, port).sync().channel();
        return new HttpListener(channel);
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** Stops listening; the group belongs to the caller. */
    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }
}
