package dev.ebb.gateway.http.api;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A customer's receipt endpoint on loopback, on Netty's HTTP server: counts the connections Ebb opens and the posts
 * it makes, answers each post as {@link Behaviour} says (a status, later, or never), and keeps the posts it answered
 * 2xx.
 */
final class ReceiptEndpoint implements AutoCloseable {
    /** How the endpoint answers its {@code n}th post (from 1): with the status the stage completes with. */
    @FunctionalInterface
    interface Behaviour {
        CompletionStage<Integer> answer(int n);

        static Behaviour always(int status) {
            return n -> CompletableFuture.completedFuture(status);
        }
    }

    /** A post the endpoint answered 2xx: its body and signature header. */
    record Post(String body, String signature) {
    }

    /** A stage that never completes: the endpoint hangs. */
    static final CompletionStage<Integer> NEVER = new CompletableFuture<>();

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final ChannelGroup open = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger posts = new AtomicInteger();
    private final List<Post> taken = new CopyOnWriteArrayList<>();
    private final Channel server;
    private final String scheme;
    private volatile Behaviour behaviour;

    /** @param port 0 for any free one; @param tls null for plain HTTP */
    ReceiptEndpoint(int port, SslContext tls, Behaviour behaviour) throws InterruptedException {
        this.behaviour = behaviour;
        this.scheme = tls == null ? "http" : "https";
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.incrementAndGet();
                        open.add(ch);
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20),
                                new SimpleChannelInboundHandler<FullHttpRequest>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
                                        answer(ctx, request);
                                    }
                                });
                    }
                }).bind("127.0.0.1", port).sync().channel();
    }

    static ReceiptEndpoint start(Behaviour behaviour) throws InterruptedException {
        return new ReceiptEndpoint(0, null, behaviour);
    }

    private void answer(ChannelHandlerContext ctx, FullHttpRequest request) {
        String body = request.content().toString(StandardCharsets.UTF_8);
        String signature = request.headers().get(WebhookReceiptSender.SIGNATURE_HEADER);
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        behaviour.answer(posts.incrementAndGet()).thenAccept(status -> ctx.executor().execute(() -> {
            if (status / 100 == 2) {
                taken.add(new Post(body, signature));
            }
            DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.valueOf(status));
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
            HttpUtil.setKeepAlive(response, keepAlive);
            ctx.writeAndFlush(response);
        }));
    }

    void behave(Behaviour next) {
        behaviour = next;
    }

    URI url() {
        return URI.create(scheme + "://127.0.0.1:" + port() + "/receipts");
    }

    int port() {
        return ((java.net.InetSocketAddress) server.localAddress()).getPort();
    }

    /** Connections accepted so far. */
    int connections() {
        return connections.get();
    }
    /** Posts received so far, answered or not. */
    int posts() {
        return posts.get();
    }

    /** Posts answered 2xx, in order. */
    List<Post> taken() {
        return taken;
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        open.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
