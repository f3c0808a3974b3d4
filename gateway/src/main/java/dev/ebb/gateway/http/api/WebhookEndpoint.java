package dev.ebb.gateway.http.api;

import dev.ebb.gateway.config.CallbackUrls;
import dev.ebb.gateway.core.LogLimiter;
import dev.ebb.gateway.http.Responses;
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
import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.DefaultAddressResolverGroup;
import io.netty.resolver.InetNameResolver;
import io.netty.resolver.InetSocketAddressResolver;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
 * One customer's endpoint (its {@code receiptUrl}, its {@code moUrl}, or the origin of its Kannel {@code dlr-url}s):
 * what is owed to it, and a pool of at most {@code receiptConnections} HTTP/1.1 connections kept alive between posts.
 * Every connection's address is checked by {@link CallbackUrls} as it is resolved, so a host name re-pointed at an
 * internal address after the config was loaded is refused (DNS rebinding). Each connection carries one post at a time: no pipelining, because a server
 * may close a connection after any answer (RFC 9112 §9.6) and posts sent behind it would then be lost or taken
 * twice without a way to tell which, and a POST is not idempotent (RFC 9110 §9.2.2).
 *
 * <p>Everything but {@link #forward} runs on the endpoint's own event loop, so its queue and connections need no
 * locks, and nothing it does blocks: a slow or dead endpoint holds only its own connections and its own receipts,
 * at most {@code receiptMaxWaiting} of them, never another customer's.
 */
final class WebhookEndpoint<T> {
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

    /** What becomes of the posts and items of an endpoint (the sender counts and records them). */
    interface Outcomes<T> {
        /** A post of the endpoint's {@code customer} ended with {@code outcome}, {@code nanos} after it was started. */
        void posted(String customer, Outcome outcome, long nanos);

        void delivered(Pending<T> item);

        /** Not taken by {@link #giveUpAt}. */
        void givenUp(Pending<T> item);

        /** Let go for want of room ({@link Target#maxWaiting}). */
        void setAside(Pending<T> item);

        Instant giveUpAt(Pending<T> item);
    }

    /**
     * Where and how an endpoint posts.
     *
     * @param kind        what it posts, for its log lines ("receipt")
     * @param url         the endpoint; an item may name another path and query on the same origin
     * @param method      POST (a JSON body, signed when there is a secret) or GET (no body, unsigned: Kannel's DLRs)
     * @param secret      signs each post ({@value WebhookReceiptSender#SIGNATURE_HEADER}); null: unsigned
     * @param batch       items per post: 1 posts each as it is; more posts a JSON array
     * @param allowPrivate may connect to loopback and private addresses ({@link CallbackUrls})
     * @param givenUpMeans what becomes of an item given up, for the log line
     * @param setAsideMeans what becomes of an item set aside, for the log line
     */
    record Target(String customer, String kind, URI url, HttpMethod method, String secret, int batch,
                  int connections, int maxWaiting, Duration timeout, boolean allowPrivate, String givenUpMeans,
                  String setAsideMeans) {
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

    /**
     * An item waiting to be posted: the item itself (for what becomes of it), the message id it is about (for log
     * lines), its request target (null: the endpoint's own), its JSON (empty for a GET) and the back-off before its
     * next try.
     */
    record Pending<T>(T item, String messageId, String target, byte[] json, long nextDelayMs) {
        Pending {
            nextDelayMs = nextDelayMs == 0 ? FIRST_RETRY_MS : nextDelayMs;
        }

        Pending(T item, String messageId, byte[] json) {
            this(item, messageId, null, json, 0);
        }

        Pending<T> backedOff() {
            return new Pending<>(item, messageId, target, json, Math.min(nextDelayMs * 2, MAX_RETRY_MS));
        }
    }

    private final String customer;
    private final String connectHost;
    private final int port;
    private final String hostHeader;
    private final String target;
    private final HttpMethod method;
    private final byte[] secret;
    private final int batch;
    private final int maxConnections;
    private final int maxWaiting;
    private final Duration timeout;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final Clock clock;
    private final Outcomes<T> outcomes;
    private final ChannelGroup channels;
    private final LogLimiter notTaken;
    private final LogLimiter drops;
    private final LogLimiter setAside;
    /** Items held: ready, on a connection or waiting for a retry; the only state {@link #forward} touches. */
    private final AtomicInteger held = new AtomicInteger();
    private final AtomicInteger onConnections = new AtomicInteger();

    // Confined to the loop.
    private final ArrayDeque<Pending<T>> ready = new ArrayDeque<>();
    private final ArrayDeque<Channel> idle = new ArrayDeque<>();
    /** Connections open or being opened; written on the loop only, volatile for the gauge. */
    private volatile int open;
    private ScheduledFuture<?> linger;
    private boolean lingered;

    /** @param tls used when the URL is https; its trust and host name check are the sender's */
    WebhookEndpoint(Target config, SslContext tls, EventLoop loop, Clock clock, Outcomes<T> outcomes) {
        URI url = config.url();
        boolean https = "https".equals(url.getScheme());
        String host = url.getHost();
        this.customer = config.customer();
        this.connectHost = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        this.port = url.getPort() >= 0 ? url.getPort() : https ? 443 : 80;
        this.hostHeader = url.getPort() >= 0 ? host + ":" + url.getPort() : host;
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        this.target = url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
        this.method = config.method();
        this.secret = config.secret() == null ? null : config.secret().getBytes(StandardCharsets.UTF_8);
        this.batch = config.batch();
        this.maxConnections = config.connections();
        this.maxWaiting = config.maxWaiting();
        this.timeout = config.timeout();
        String kind = config.kind();
        this.loop = loop;
        this.clock = clock;
        this.outcomes = outcomes;
        this.channels = new DefaultChannelGroup(loop);
        this.bootstrap = new Bootstrap().group(loop).channel(NioSocketChannel.class)
                .resolver(config.allowPrivate() ? DefaultAddressResolverGroup.INSTANCE : GuardedResolver.INSTANCE)
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
        notTaken = new LogLimiter(clock, LOG_INTERVAL, loop, (events, last) -> LOG.info("{} {} posts to"
                + " customer {} not taken (last: message {}); retried with back-off up to {} s; logged at most every"
                + " {} s", events, kind, customer, last, MAX_RETRY_MS / 1000, LOG_INTERVAL.toSeconds()));
        drops = new LogLimiter(clock, LOG_INTERVAL, loop, (events, last) -> LOG.warn("{} {}s to customer {}"
                + " given up (last: message {}); {}; logged at most every {} s", events, kind, customer, last,
                config.givenUpMeans(), LOG_INTERVAL.toSeconds()));
        setAside = new LogLimiter(clock, LOG_INTERVAL, loop, (events, last) -> LOG.info("{} {}s to customer {}"
                + " set aside (last: message {}): {} are held in memory already; {}; logged at most every {} s",
                events, kind, customer, last, maxWaiting, config.setAsideMeans(), LOG_INTERVAL.toSeconds()));
    }

    /** Takes an item to post, from any thread; sets it aside when {@link Target#maxWaiting} are held already. */
    void forward(Pending<T> receipt) {
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

    /** Connections open or being opened to the endpoint, never more than {@code receiptConnections}. */
    int connections() {
        return open;
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
            List<Pending<T>> post = new ArrayList<>(Math.min(batch, ready.size()));
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

    private void connect(List<Pending<T>> post, long started) {
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

    private void send(Channel channel, List<Pending<T>> post, long started) {
        String to = post.get(0).target() == null ? target : post.get(0).target();
        FullHttpRequest request;
        if (method.equals(HttpMethod.GET)) {
            // RFC 9110 §8.6: a request without content sends no Content-Length; nothing to sign either.
            request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, to);
            request.headers().set(HttpHeaderNames.HOST, hostHeader);
        } else {
            request = post(to, body(post), channel);
        }
        Exchange exchange = channel.pipeline().get(Exchange.class);
        exchange.begin(post, started);
        channel.writeAndFlush(request).addListener(f -> {
            if (!f.isSuccess()) {
                exchange.end(Outcome.CONNECTION, f.cause().getClass().getSimpleName());
            }
        });
    }

    private FullHttpRequest post(String to, byte[] body, Channel channel) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, to,
                channel.alloc().buffer(body.length).writeBytes(body));
        request.headers().set(HttpHeaderNames.HOST, hostHeader).set(HttpHeaderNames.CONTENT_TYPE, Responses.JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        if (secret != null) {
            request.headers().set(WebhookReceiptSender.SIGNATURE_HEADER,
                    WebhookReceiptSender.signature(secret, clock.instant().getEpochSecond(), body));
        }
        return request;
    }

    /** One receipt as its JSON object; with {@code receiptBatch} over 1 an array of them, even of one. */
    private byte[] body(List<Pending<T>> post) {
        if (batch == 1) {
            return post.get(0).json();
        }
        int length = post.size() + 1;
        for (Pending<T> p : post) {
            length += p.json().length;
        }
        byte[] body = new byte[length];
        body[0] = '[';
        int at = 1;
        for (Pending<T> p : post) {
            System.arraycopy(p.json(), 0, body, at, p.json().length);
            at += p.json().length;
            body[at++] = ',';
        }
        body[length - 1] = ']';
        return body;
    }

    private void answered(List<Pending<T>> post, int status, long started) {
        onConnections.addAndGet(-post.size());
        if (status / 100 == 2) {
            outcomes.posted(customer, Outcome.DELIVERED, System.nanoTime() - started);
            for (Pending<T> p : post) {
                held.decrementAndGet();
                outcomes.delivered(p);
            }
        } else {
            failedPost(post, Outcome.REJECTED, "HTTP " + status, started);
        }
    }

    private void failed(List<Pending<T>> post, Outcome outcome, String why, long started) {
        onConnections.addAndGet(-post.size());
        failedPost(post, outcome, why, started);
    }

    /** Each receipt of a failed post waits its own back-off, or is given up at its limit (receipts.retryFor). */
    private void failedPost(List<Pending<T>> post, Outcome outcome, String why, long started) {
        outcomes.posted(customer, outcome, System.nanoTime() - started);
        Instant now = clock.instant();
        for (Pending<T> p : post) {
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
        private List<Pending<T>> post;
        private long started;
        private ScheduledFuture<?> deadline;
        private int status;
        private long bodyBytes;
        private boolean keepAlive;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        void begin(List<Pending<T>> receipts, long startedAt) {
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
                    List<Pending<T>> done = post;
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
                List<Pending<T>> done = post;
                post = null;
                deadline.cancel(false);
                failed(done, outcome, why, started);
            }
            ctx.close();
        }
    }

    /**
     * Resolves as Netty's default resolver does (the JDK's, on the event loop), then refuses an address
     * {@link CallbackUrls} does not let a customer reach: the check is on the address the connection is about to use,
     * not on what the name resolved to when the config was loaded.
     */
    private static final class GuardedResolver extends AddressResolverGroup<InetSocketAddress> {
        static final GuardedResolver INSTANCE = new GuardedResolver();

        @Override
        protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
            return new InetSocketAddressResolver(executor, new InetNameResolver(executor) {
                @Override
                protected void doResolve(String host, Promise<InetAddress> promise) {
                    try {
                        promise.setSuccess(allowed(InetAddress.getByName(host)));
                    } catch (IOException e) {
                        promise.setFailure(e);
                    }
                }

                @Override
                protected void doResolveAll(String host, Promise<List<InetAddress>> promise) {
                    try {
                        List<InetAddress> all = new ArrayList<>();
                        for (InetAddress a : InetAddress.getAllByName(host)) {
                            all.add(allowed(a));
                        }
                        promise.setSuccess(all);
                    } catch (IOException e) {
                        promise.setFailure(e);
                    }
                }
            });
        }

        private static InetAddress allowed(InetAddress address) throws RefusedAddressException {
            String why = CallbackUrls.refusal(address).orElse(null);
            if (why != null) {
                throw new RefusedAddressException(why);
            }
            return address;
        }
    }

    /** A callback host resolved to an address the customer may not reach; its simple name is what the log shows. */
    static final class RefusedAddressException extends IOException {
        RefusedAddressException(String why) {
            super(why, null);
        }
    }
}
