package dev.ebb.gateway.http.api;

import dev.ebb.gateway.config.CustomerConfig;
import dev.ebb.gateway.core.LogLimiter;
import dev.ebb.gateway.http.Responses;
import dev.ebb.gateway.receipt.CustomerReceipt;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One customer's {@code receiptUrl}: its receipts, and a pool of at most {@code receiptConnections} HTTP/1.1
 * connections kept alive between posts. Each connection carries one post at a time: no pipelining, because a server
 * may close a connection after any answer (RFC 9112 §9.6) and posts sent behind it would then be lost or taken
 * twice without a way to tell which, and a POST is not idempotent (RFC 9110 §9.2.2).
 *
 * <p>Everything but {@link #forward} runs on the endpoint's own event loop, so its queue and connections need no
 * locks, and nothing it does blocks: a slow or dead endpoint holds only its own connections and its own receipts,
 * at most {@code receiptMaxWaiting} of them, never another customer's.
 */
final class WebhookEndpoint {
    /** A receipt posted and not taken is tried again after this, doubling up to {@link #MAX_RETRY_MS}. */
    static final long FIRST_RETRY_MS = 1_000;
    private static final long MAX_RETRY_MS = 300_000;
    /** How long a batch waits for more receipts once its first one is ready. */
    static final long LINGER_MS = 20;
    /** Idle connections are closed after this: the endpoint would keep them open for nothing. */
    private static final int IDLE_SECONDS = 30;
    /**
     * An answer's body is read and thrown away up to this much; past it the post has failed. An endpoint streaming an
     * endless body kept its connections reading at line rate until receiptTimeout, post after post (a core's worth
     * of the 2-core box for 8 connections).
     */
    static final int MAX_ANSWER_BODY = 64 * 1024;
    private static final Duration LOG_INTERVAL = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(WebhookReceiptSender.class);

    /** What becomes of the posts and receipts of an endpoint (the sender counts and records them). */
    interface Outcomes {
        /** A post of the endpoint's {@code customer} ended with {@code outcome}, {@code nanos} after it was started. */
        void posted(String customer, Outcome outcome, long nanos);

        void delivered(Pending receipt);

        /** Not taken by {@link #giveUpAt}. */
        void givenUp(Pending receipt);

        /** Let go for want of room ({@code receiptMaxWaiting}): it stays owed on disk and comes back later. */
        void setAside(Pending receipt);

        Instant giveUpAt(Pending receipt);
    }

    /** How a post ended, for the metrics: a small fixed set. */
    enum Outcome {
        /** Answered 2xx: its receipts are taken. */
        DELIVERED,
        /** Answered, but not 2xx (a 3xx is not followed). */
        REJECTED,
        /** Not answered within {@code receiptTimeout}. */
        TIMEOUT,
        /** Refused, reset, closed before the answer, or TLS failed. */
        CONNECTION
    }

    /** A receipt waiting to be posted: the receipt itself (for what becomes of it), its JSON and the back-off before its next try. */
    record Pending(CustomerReceipt receipt, byte[] json, long nextDelayMs) {
        Pending {
            nextDelayMs = nextDelayMs == 0 ? FIRST_RETRY_MS : nextDelayMs;
        }

        String messageId() {
            return receipt.message().messageId();
        }

        Pending backedOff() {
            return new Pending(receipt, json, Math.min(nextDelayMs * 2, MAX_RETRY_MS));
        }
    }

    private final String customer;
    private final String connectHost;
    private final int port;
    private final String hostHeader;
    private final String target;
    private final byte[] secret;
    private final int batch;
    private final int maxConnections;
    private final int maxWaiting;
    private final Duration timeout;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final Clock clock;
    private final Outcomes outcomes;
    private final ChannelGroup channels;
    private final LogLimiter notTaken;
    private final LogLimiter drops;
    private final LogLimiter setAside;
    /** Receipts held: ready, on a connection or waiting for a retry; the only state {@link #forward} touches. */
    private final AtomicInteger held = new AtomicInteger();
    private final AtomicInteger onConnections = new AtomicInteger();

    // Confined to the loop.
    private final ArrayDeque<Pending> ready = new ArrayDeque<>();
    private final ArrayDeque<Channel> idle = new ArrayDeque<>();
    /** Connections open or being opened. */
    private int open;
    private ScheduledFuture<?> linger;
    private boolean lingered;

    /** @param tls used when the URL is https; its trust and host name check are the sender's */
    WebhookEndpoint(CustomerConfig config, SslContext tls, EventLoop loop, Clock clock, Outcomes outcomes) {
        URI url = config.receiptUrl();
        boolean https = "https".equals(url.getScheme());
        String host = url.getHost();
        this.customer = config.id();
        this.connectHost = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        this.port = url.getPort() >= 0 ? url.getPort() : https ? 443 : 80;
        this.hostHeader = url.getPort() >= 0 ? host + ":" + url.getPort() : host;
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        this.target = url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
        this.secret = config.receiptSecret() == null ? null
                : config.receiptSecret().getBytes(StandardCharsets.UTF_8);
        this.batch = config.receiptBatch();
        this.maxConnections = config.receiptConnections();
        this.maxWaiting = config.receiptMaxWaiting();
        this.timeout = config.receiptTimeout();
        this.loop = loop;
        this.clock = clock;
        this.outcomes = outcomes;
        this.channels = new DefaultChannelGroup(loop);
        this.bootstrap = new Bootstrap().group(loop).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (https) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc(), connectHost, port));
                        }
                        ch.pipeline().addLast(new IdleStateHandler(0, 0, IDLE_SECONDS), new HttpClientCodec(),
                                new Exchange());
                    }
                });
        notTaken = new LogLimiter(clock, LOG_INTERVAL, loop, (events, last) -> LOG.info("{} receipt posts to"
                + " customer {} not taken (last: message {}); retried with back-off up to {} s; logged at most every"
                + " {} s", events, customer, last, MAX_RETRY_MS / 1000, LOG_INTERVAL.toSeconds()));
        drops = new LogLimiter(clock, LOG_INTERVAL, loop, (events, last) -> LOG.warn("{} receipts to customer {}"
                + " given up (last: message {}); their messages keep their final state in the metadata store; logged at"
                + " most every {} s", events, customer, last, LOG_INTERVAL.toSeconds()));
        setAside = new LogLimiter(clock, LOG_INTERVAL, loop, (events, last) -> LOG.info("{} receipts to customer {}"
                + " set aside (last: message {}): {} are held in memory already (receiptMaxWaiting); they wait in the"
                + " receipt outbox on disk; logged at most every {} s", events, customer, last, maxWaiting,
                LOG_INTERVAL.toSeconds()));
    }

    /** Takes a receipt to post, from any thread; sets it aside when {@code receiptMaxWaiting} are held already. */
    void forward(Pending receipt) {
        if (held.incrementAndGet() > maxWaiting) {
            held.decrementAndGet();
            setAside.count(receipt.messageId());
            outcomes.setAside(receipt);
            return;
        }
        loop.execute(() -> {
            ready.add(receipt);
            dispatch();
        });
    }

    /** Receipts held and not on a connection: ready to post or waiting for a retry. */
    int waiting() {
        return held.get() - onConnections.get();
    }

    /** Receipts in posts not answered yet. */
    int inFlight() {
        return onConnections.get();
    }

    String customer() {
        return customer;
    }

    /** Closes the connections; receipts still held stay owed in the outbox for the next start. */
    void close() {
        channels.close().syncUninterruptibly();
    }

    /** Posts what is ready while a connection is free or may be opened. */
    private void dispatch() {
        while (!ready.isEmpty()) {
            if (ready.size() < batch && !lingered) {
                if (linger == null) {
                    linger = loop.schedule(() -> {
                        linger = null;
                        lingered = true;
                        dispatch();
                    }, LINGER_MS, TimeUnit.MILLISECONDS);
                }
                return;
            }
            Channel channel = idle.pollFirst();
            while (channel != null && !channel.isActive()) {
                channel = idle.pollFirst(); // closed by the endpoint; its close is still being processed
            }
            if (channel == null && open >= maxConnections) {
                return;
            }
            List<Pending> post = new ArrayList<>(Math.min(batch, ready.size()));
            while (post.size() < batch && !ready.isEmpty()) {
                post.add(ready.poll());
            }
            onConnections.addAndGet(post.size());
            if (ready.isEmpty()) {
                lingered = false;
                if (linger != null) {
                    linger.cancel(false);
                    linger = null;
                }
            }
            // Timed from here: a post's time includes the connection it has to open.
            long started = System.nanoTime();
            if (channel != null) {
                send(channel, post, started);
            } else {
                connect(post, started);
            }
        }
    }

    private void connect(List<Pending> post, long started) {
        open++;
        bootstrap.connect(connectHost, port).addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                open--;
                failed(post, Outcome.CONNECTION, f.cause().getClass().getSimpleName(), started);
                dispatch();
                return;
            }
            Channel channel = f.channel();
            channels.add(channel);
            channel.closeFuture().addListener(closed -> {
                open--;
                idle.remove(channel);
                dispatch();
            });
            send(channel, post, started);
        });
    }

    private void send(Channel channel, List<Pending> post, long started) {
        byte[] body = body(post);
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, target,
                channel.alloc().buffer(body.length).writeBytes(body));
        request.headers().set(HttpHeaderNames.HOST, hostHeader).set(HttpHeaderNames.CONTENT_TYPE, Responses.JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        if (secret != null) {
            request.headers().set(WebhookReceiptSender.SIGNATURE_HEADER,
                    WebhookReceiptSender.signature(secret, clock.instant().getEpochSecond(), body));
        }
        Exchange exchange = channel.pipeline().get(Exchange.class);
        exchange.begin(post, started);
        channel.writeAndFlush(request).addListener(f -> {
            if (!f.isSuccess()) {
                exchange.end(Outcome.CONNECTION, f.cause().getClass().getSimpleName());
            }
        });
    }

    /** One receipt as its JSON object; with {@code receiptBatch} over 1 an array of them, even of one. */
    private byte[] body(List<Pending> post) {
        if (batch == 1) {
            return post.get(0).json();
        }
        int length = post.size() + 1;
        for (Pending p : post) {
            length += p.json().length;
        }
        byte[] body = new byte[length];
        body[0] = '[';
        int at = 1;
        for (Pending p : post) {
            System.arraycopy(p.json(), 0, body, at, p.json().length);
            at += p.json().length;
            body[at++] = ',';
        }
        body[length - 1] = ']';
        return body;
    }

    private void answered(List<Pending> post, int status, long started) {
        onConnections.addAndGet(-post.size());
        if (status / 100 == 2) {
            outcomes.posted(customer, Outcome.DELIVERED, System.nanoTime() - started);
            for (Pending p : post) {
                held.decrementAndGet();
                outcomes.delivered(p);
            }
        } else {
            failedPost(post, Outcome.REJECTED, "HTTP " + status, started);
        }
    }

    private void failed(List<Pending> post, Outcome outcome, String why, long started) {
        onConnections.addAndGet(-post.size());
        failedPost(post, outcome, why, started);
    }

    /** Each receipt of a failed post waits its own back-off, or is given up at its limit (receipts.retryFor). */
    private void failedPost(List<Pending> post, Outcome outcome, String why, long started) {
        outcomes.posted(customer, outcome, System.nanoTime() - started);
        Instant now = clock.instant();
        for (Pending p : post) {
            if (now.plusMillis(p.nextDelayMs()).isAfter(outcomes.giveUpAt(p))) {
                held.decrementAndGet();
                outcomes.givenUp(p);
                drops.count(p.messageId() + ": " + why + " until its limit");
                continue;
            }
            notTaken.count(p.messageId() + ", " + why);
            loop.schedule(() -> {
                ready.add(p.backedOff());
                dispatch();
            }, p.nextDelayMs(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * The post in progress on a connection: its answer's status once the answer has ended, its timeout, and the
     * connection going back to the pool (or closed when the endpoint said close).
     */
    private final class Exchange extends ChannelInboundHandlerAdapter {
        private ChannelHandlerContext ctx;
        private List<Pending> post;
        private long started;
        private ScheduledFuture<?> deadline;
        private int status;
        private long bodyBytes;
        private boolean keepAlive;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        void begin(List<Pending> receipts, long startedAt) {
            post = receipts;
            started = startedAt;
            status = 0;
            bodyBytes = 0;
            keepAlive = false;
            deadline = loop.schedule(() -> end(Outcome.TIMEOUT, "no answer within " + timeout.toMillis() + " ms"),
                    timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpObject part && part.decoderResult().isFailure()) {
                    // Headers past the decoder's limits, a broken chunk, a close mid-body: the decoder emits no
                    // end it can vouch for and discards whatever follows, so the answer is no answer and the
                    // connection is of no further use (it is closed).
                    end(Outcome.CONNECTION, "malformed answer (" + part.decoderResult().cause().getClass().getSimpleName()
                            + ")");
                    return;
                }
                if (msg instanceof HttpContent content && post != null
                        && (bodyBytes += content.content().readableBytes()) > MAX_ANSWER_BODY) {
                    end(Outcome.CONNECTION, "answer body over " + MAX_ANSWER_BODY + " bytes");
                    return;
                }
                if (msg instanceof HttpResponse response) {
                    if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                        return; // an interim answer (RFC 9110 §15.2); the final one follows
                    }
                    status = response.status().code();
                    keepAlive = HttpUtil.isKeepAlive(response);
                }
                if (msg instanceof LastHttpContent && status != 0 && post != null) {
                    List<Pending> done = post;
                    post = null;
                    deadline.cancel(false);
                    if (keepAlive) {
                        idle.addLast(ctx.channel());
                    } else {
                        ctx.close();
                    }
                    answered(done, status, started);
                    dispatch();
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent && post == null) {
                ctx.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            end(Outcome.CONNECTION, "connection closed before the answer");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            end(Outcome.CONNECTION, cause.getClass().getSimpleName());
        }

        void end(Outcome outcome, String why) {
            if (post != null) {
                List<Pending> done = post;
                post = null;
                deadline.cancel(false);
                failed(done, outcome, why, started);
            }
            ctx.close();
        }
    }
}
