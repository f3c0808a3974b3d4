package dev.ebb.bench.load;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The customer's receipt endpoint, played by the load generator: takes the receipts Ebb POSTs to the customer's
 * {@code receiptUrl} ({@code {"id","state",…}}) on loopback, answers 200 at once, and counts them, so the HTTP mode
 * measures submit → SMSC → receipt → callback end to end.
 */
final class ReceiptServer implements AutoCloseable {
    static final String PATH = "/receipts";

    private final Channel server;

    private ReceiptServer(Channel server) {
        this.server = server;
    }

    /** Listens on {@code host:port} (0: any free port). */
    static ReceiptServer start(EventLoopGroup group, String host, int port, LoadStats stats) throws InterruptedException {
        Channel channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpServerKeepAliveHandler(),
                                new HttpObjectAggregator(64 * 1024), new Handler(stats));
                    }
                }).bind(host, port).sync().channel();
        return new ReceiptServer(channel);
    }

    int port() {
        return ((java.net.InetSocketAddress) server.localAddress()).getPort();
    }

    /** What a customer's config needs for its receipts to come here. */
    String url() {
        java.net.InetSocketAddress address = (java.net.InetSocketAddress) server.localAddress();
        return "http://" + address.getHostString() + ":" + address.getPort() + PATH;
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
    }

    /**
     * The string values of member {@code name} in a JSON text Ebb wrote (no escapes in ids): one for a receipt, one
     * per element for a batch ({@code receiptBatch}: an array of receipts). A scan, not a parser: the generator shares
     * the gateway's two cores, and its own cost should stay small.
     */
    static List<String> stringMembers(String json, String name) {
        String key = "\"" + name + "\":\"";
        List<String> values = new ArrayList<>(1);
        int start = json.indexOf(key);
        while (start >= 0) {
            start += key.length();
            int end = json.indexOf('"', start);
            if (end < 0) {
                break;
            }
            values.add(json.substring(start, end));
            start = json.indexOf(key, end);
        }
        return values;
    }

    private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final LoadStats stats;

        Handler(LoadStats stats) {
            this.stats = stats;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            List<String> ids = stringMembers(request.content().toString(StandardCharsets.UTF_8), "id");
            HttpResponseStatus status = ids.isEmpty() ? HttpResponseStatus.BAD_REQUEST : HttpResponseStatus.OK;
            long now = System.nanoTime();
            for (String id : ids) {
                stats.receipt(id, now);
            }
            FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(), status);
            // HttpServerKeepAliveHandler answers in the request's keep-alive terms (and closes when it asked to).
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
            ctx.writeAndFlush(response);
        }
    }
}
