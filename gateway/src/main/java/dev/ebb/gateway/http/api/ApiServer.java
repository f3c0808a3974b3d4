package dev.ebb.gateway.http.api;

import dev.ebb.gateway.config.ContentConfig;
import dev.ebb.gateway.config.CustomerConfig;
import dev.ebb.gateway.config.ListenerConfig;
import dev.ebb.gateway.http.BodyLimitAggregator;
import dev.ebb.gateway.http.HashedTokens;
import dev.ebb.gateway.route.Admission;
import dev.ebb.metadata.MetadataStore;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.function.IntConsumer;

/**
 * The customer HTTP API listener (port 8080 by default): customers that do not speak SMPP send messages here and
 * read back their state. Requests are small; a body over {@value #MAX_BODY_BYTES} bytes gets 413.
 */
public final class ApiServer implements AutoCloseable {
    /** Largest request body: a 255-segment UCS-2 text, escaped as JSON, fits well within it. */
    public static final int MAX_BODY_BYTES = 256 * 1024;
    /** A connection that sends nothing for this long is closed. */
    static final int IDLE_SECONDS = 60;

    private final Channel channel;

    private ApiServer(Channel channel) {
        this.channel = channel;
    }

    /**
     * Binds the listener.
     *
     * @param rate     takes a number of submits (segments) from a customer's rate (shared with its SMPP binds)
     * @param receipts posts receipts of HTTP messages to customers that have a {@code receiptUrl}
     * @param statuses told the HTTP status of every answer (metrics)
     * @param group    the event loop group its connections run on
     */
    public static ApiServer start(ListenerConfig listener, List<CustomerConfig> customers, Admission admission,
                                  BiPredicate<CustomerConfig, Integer> rate, WebhookReceiptSender receipts,
                                  MetadataStore store, ContentConfig content,
                                  Clock clock, IntConsumer statuses, EventLoopGroup group)
            throws InterruptedException {
        Map<String, CustomerConfig> byHash = new LinkedHashMap<>();
        customers.forEach(c -> c.apiKeys().forEach(k -> byHash.put(k.sha256(), c)));
        HashedTokens<CustomerConfig> keys = new HashedTokens<>(byHash);
        MessageApi api = new MessageApi(admission, rate, receipts::wantsReceipts, store, content, clock);
        Channel channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        // An idle or stalled connection is closed: it would hold memory (and a slot) for nothing.
                        ch.pipeline().addLast(new ReadTimeoutHandler(IDLE_SECONDS));
                        ch.pipeline().addLast(new HttpServerCodec(),
                                new BodyLimitAggregator(MAX_BODY_BYTES, (ctx, request) -> null),
                                new ApiHandler(api, keys, statuses));
                    }
                }).bind(listener.host(), listener.port()).sync().channel();
        return new ApiServer(channel);
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
