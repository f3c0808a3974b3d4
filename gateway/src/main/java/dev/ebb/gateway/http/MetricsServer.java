package dev.ebb.gateway.http;

import dev.ebb.gateway.config.ListenerConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The operations listener: {@code GET /metrics} (Prometheus text format), {@code GET /health} and {@code GET /ready}
 * (200 while new messages are accepted, 503 with the reason while they are refused, e.g. a store short of disk space).
 */
public final class MetricsServer {
    private static final int MAX_REQUEST = 8 * 1024;

    private MetricsServer() {
    }

    /**
     * @param health    "UP" or a short reason the gateway is not ready; anything but UP answers 503
     * @param readiness why new messages are refused, empty while they are accepted
     */
    public static HttpListener start(ListenerConfig config, PrometheusMeterRegistry registry, Supplier<String> health,
                                     Supplier<Optional<String>> readiness, EventLoopGroup group)
            throws InterruptedException {
        return HttpListener.bind(config, group, Optional.empty(), ListenerRefusals.NONE,
                () -> List.of(new HttpObjectAggregator(MAX_REQUEST), new Handler(registry, health, readiness)));
    }


    private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final PrometheusMeterRegistry registry;
        private final Supplier<String> health;
        private final Supplier<Optional<String>> readiness;

        Handler(PrometheusMeterRegistry registry, Supplier<String> health, Supplier<Optional<String>> readiness) {
            this.registry = registry;
            this.health = health;
            this.readiness = readiness;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            String path = request.uri().split("\\?", 2)[0];
            FullHttpResponse response;
            if (!request.method().equals(HttpMethod.GET)) {
                response = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET\n", "text/plain");
                response.headers().set(HttpHeaderNames.ALLOW, HttpMethod.GET.name()); // RFC 9110 §15.5.6
            } else if (path.equals("/metrics")) {
                response = text(HttpResponseStatus.OK, registry.scrape(), "text/plain; version=0.0.4; charset=utf-8");
            } else if (path.equals("/health")) {
                String state = health.get();
                response = text("UP".equals(state) ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                        "{\"status\":\"" + state + "\"}\n", "application/json");
            } else if (path.equals("/ready")) {
                Optional<String> refusal = readiness.get();
                response = text(refusal.isEmpty() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                        "{\"status\":\"" + refusal.map(r -> "NOT READY: " + r).orElse("READY") + "\"}\n",
                        "application/json");
            } else {
                response = text(HttpResponseStatus.NOT_FOUND, "try /metrics, /health or /ready\n", "text/plain");
            }
            Responses.send(ctx, request, response);
        }

        private static FullHttpResponse text(HttpResponseStatus status, String body, String type) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, type)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
            return response;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
