package dev.ebb.gateway.http.witness;

import dev.ebb.gateway.config.ListenerConfig;
import dev.ebb.gateway.http.BodyLimitAggregator;
import dev.ebb.gateway.http.HttpListener;
import dev.ebb.gateway.http.ListenerRefusals;
import dev.ebb.gateway.http.Responses;
import dev.ebb.metadata.Witness;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP face of a {@link Witness} (c2sp.org/tlog-witness), one prefix for submission and monitoring:
 * {@code POST /add-checkpoint} and {@code GET /<origin hash>/checkpoint}. Requests are small (a checkpoint and at
 * most 63 hashes), so bodies over 16 KiB are refused. The witness's calls block on an fsync, so the listener gets an
 * event loop group of its own.
 */
public final class WitnessServer {
    /** The largest add-checkpoint body: 63 proof lines and a checkpoint with many signatures fit well within. */
    static final int MAX_BODY_BYTES = 16 * 1024;

    private WitnessServer() {
    }

    /** Binds the listener; closing it stops listening (the group belongs to the caller). */
    public static HttpListener start(ListenerConfig config, Witness witness, EventLoopGroup group)
            throws InterruptedException {
        return HttpListener.bind(config, group, Optional.empty(), ListenerRefusals.NONE,
                () -> List.of(new BodyLimitAggregator(MAX_BODY_BYTES, ListenerRefusals.NONE), new Handler(witness)));
    }

    private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private static final Logger LOG = LoggerFactory.getLogger(WitnessServer.class);
        private final Witness witness;

        Handler(Witness witness) {
            this.witness = witness;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            String path = new QueryStringDecoder(request.uri()).rawPath();
            FullHttpResponse response;
            if (request.decoderResult().isFailure()) {
                response = text(400, "malformed HTTP request\n");
            } else if (path.equals("/add-checkpoint")) {
                if (!request.method().equals(HttpMethod.POST)) {
                    response = notAllowed("POST");
                } else {
                    Witness.Answer a = witness.addCheckpoint(ByteBufUtil.getBytes(request.content()));
                    if (a.status() != 200) {
                        LOG.info("add-checkpoint from {} refused: {} {}", ctx.channel().remoteAddress(), a.status(),
                                a.body().strip());
                    }
                    response = Responses.of(a.status(), a.contentType(), a.body().getBytes(StandardCharsets.UTF_8));
                }
            } else if (path.matches("/[0-9a-f]{64}/checkpoint")) {
                if (!request.method().equals(HttpMethod.GET)) {
                    response = notAllowed("GET");
                } else {
                    response = witness.checkpoint(path.substring(1, 65))
                            .map(c -> Responses.of(200, Witness.TEXT_TYPE, c.getBytes(StandardCharsets.UTF_8)))
                            .orElseGet(() -> text(404, "no checkpoint cosigned for that origin\n"));
                }
            } else {
                response = text(404, "no resource " + path + "\n");
            }
            Responses.send(ctx, request, response);
        }

        private static FullHttpResponse notAllowed(String allowed) {
            FullHttpResponse r = text(405, "use " + allowed + "\n");
            r.headers().set(HttpHeaderNames.ALLOW, allowed);
            return r;
        }

        private static FullHttpResponse text(int status, String body) {
            return Responses.of(status, Witness.TEXT_TYPE, body.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.warn("witness connection from {} failed: {}", ctx.channel().remoteAddress(),
                    cause.getClass().getSimpleName());
            ctx.close();
        }
    }
}
