package dev.ebb.gateway.http;

import dev.ebb.gateway.core.PeerText;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access log of an HTTP listener, logger {@value #LOGGER}: one line per answer, once it is written, as
 * {@code listener=api remote=127.0.0.1 method=POST path=/v1/messages status=202 bytes=98 ms=3.1 who=acme} (the
 * time is the log line's own). {@code bytes} counts the body, {@code ms} runs from the request's head to the answer's
 * end, {@code who} is the customer or compliance token id once the listener's handler has authenticated the request
 * ({@code -} before). Never a body, a header or a query string, which carry numbers, case references and keys; and the
 * path goes segment by segment through {@link PeerText}, so a number in it ({@code /v1/cases/+4790000001/export}) is
 * masked and nothing in it can forge a line. A 408 for a request whose head never came logs {@code method=-
 * path=-}.
 *
 * <p>Sits right after the HTTP codec and sees every request the codec decodes and every answer written, whichever
 * handler writes it (the request deadlines, the size limit, the listener's own); answers go out in request order,
 * pipelined or not, so they are matched to requests first in, first out. Whether a connection is logged is decided as
 * it opens ({@link #forConnection}): a change of the logger's level applies to new connections.
 */
public final class AccessLog extends ChannelDuplexHandler {
    public static final String LOGGER = "ebb.access";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
    private static final AttributeKey<AccessLog> KEY = AttributeKey.valueOf(AccessLog.class, "log");
    /** Past this many characters a path is cut: no request makes a line unbounded. */
    private static final int MAX_PATH = 256;

    private final String listener;
    /** Requests whose head was read and whose answer has not begun, oldest first. */
    private final ArrayDeque<Request> waiting = new ArrayDeque<>();
    /** Who the handler says made the request it is answering now; taken by that answer's head. */
    private String who;
    private Answer answering;

    private AccessLog(String listener) {
        this.listener = listener;
    }

    /** A handler for a new connection of {@code listener}, if the access log is on. */
    static Optional<AccessLog> forConnection(String listener) {
        return listener != null && LOG.isInfoEnabled() ? Optional.of(new AccessLog(listener)) : Optional.empty();
    }

    /**
     * Names who made the request the listener's handler is about to answer on {@code ctx}'s connection (a customer
     * id, a compliance token id). {@code who} is asked only where the connection is logged.
     */
    public static void identify(ChannelHandlerContext ctx, Supplier<String> who) {
        if (ctx.channel().hasAttr(KEY)) {
            AccessLog log = ctx.channel().attr(KEY).get();
            if (log != null) {
                log.who = who.get();
            }
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ctx.channel().attr(KEY).set(this);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            waiting.add(new Request(request.method().name(), path(request.uri()), System.nanoTime()));
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response && response.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
            answering = new Answer(waiting.poll(), response.status().code(), who == null ? "-" : who);
            who = null;
        }
        Answer answer = answering;
        if (answer != null && msg instanceof ByteBufHolder body) {
            answer.bytes += body.content().readableBytes();
        }
        if (answer != null && msg instanceof LastHttpContent) {
            answering = null;
            String remote = remote(ctx);
            ChannelPromise written = promise.unvoid();
            written.addListener(f -> answer.log(listener, remote, f.isSuccess()));
            ctx.write(msg, written);
            return;
        }
        ctx.write(msg, promise);
    }

    /**
     * The path without its query or fragment, each segment percent-decoded and made safe for the log; a segment
     * that is not valid percent-encoding is shown as sent, also made safe.
     */
    static String path(String uri) {
        String raw = new QueryStringDecoder(uri).rawPath();
        int fragment = raw.indexOf('#');
        if (fragment >= 0) {
            raw = raw.substring(0, fragment);
        }
        StringBuilder path = new StringBuilder(Math.min(raw.length(), MAX_PATH) + 8);
        int start = raw.startsWith("/") ? 1 : 0;
        if (start == 1) {
            path.append('/');
        }
        while (start <= raw.length() && path.length() < MAX_PATH) {
            int end = raw.indexOf('/', start);
            String segment = raw.substring(start, end < 0 ? raw.length() : end);
            String decoded;
            try {
                decoded = QueryStringDecoder.decodeComponent(segment);
            } catch (IllegalArgumentException malformed) {
                decoded = segment;
            }
            // A space would end the field for whoever parses the line.
            path.append(PeerText.forLog(decoded).replace(" ", "%20"));
            if (end < 0) {
                break;
            }
            path.append('/');
            start = end + 1;
        }
        return path.length() > MAX_PATH ? path.substring(0, MAX_PATH) + "..." : path.toString();
    }

    private static String remote(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a
                ? a.getAddress().getHostAddress() : String.valueOf(ctx.channel().remoteAddress());
    }

    private record Request(String method, String path, long startNanos) {
    }

    private static final class Answer {
        private final Request request;
        private final int status;
        private final String who;
        private long bytes;

        Answer(Request request, int status, String who) {
            this.request = request;
            this.status = status;
            this.who = who;
        }

        void log(String listener, String remote, boolean written) {
            String method = "-";
            String path = "-";
            String ms = "-";
            if (request != null) {
                method = PeerText.forLog(request.method());
                path = request.path();
                ms = String.format(Locale.ROOT, "%.1f", (System.nanoTime() - request.startNanos()) / 1e6);
            }
            LOG.info("listener={} remote={} method={} path={} status={} bytes={} ms={} who={}{}", listener, remote,
                    method, path, status, bytes, ms, PeerText.forLog(who), written ? "" : " unwritten");
        }
    }
}
