package dev.ebb.gateway.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The operations listener: {@code GET /metrics} (Prometheus text format); {@code GET /health/live}, 200 while the
 * process answers; {@code GET /health/ready}, 200 when every {@link Readiness} check passes and 503 naming those
 * that do not. {@code /health} and {@code /ready} answer as {@code /health/ready}: a health check that said "UP" while
 * no SMSC was bound, or while the stores refused writes, would route traffic to a gateway that cannot carry it.
 */
public final class MetricsServer {
    private static final int MAX_REQUEST = 8 * 1024;

    private MetricsServer() {
    }

    public static HttpListener start(ListenerConfig config, PrometheusMeterRegistry registry, Readiness readiness,
                                     EventLoopGroup group) throws InterruptedException {
        return HttpListener.bind(config, group, Optional.empty(), ListenerRefusals.NONE,
                () -> List.of(new HttpObjectAggregator(MAX_REQUEST), new Handler(registry, readiness)));
    }

    private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final PrometheusMeterRegistry registry;
        private final Readiness readiness;
        private final ObjectMapper json = Responses.mapper();

        Handler(PrometheusMeterRegistry registry, Readiness readiness) {
            this.registry = registry;
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
            } else if (path.equals("/health/live")) {
                response = text(HttpResponseStatus.OK, "{\"status\":\"UP\"}\n", "application/json");
            } else if (path.equals("/health/ready") || path.equals("/health") || path.equals("/ready")) {
                response = ready(readiness.report());
            } else {
                response = text(HttpResponseStatus.NOT_FOUND, "try /metrics, /health/live or /health/ready\n",
                        "text/plain");
            }
            Responses.send(ctx, request, response);
        }

        /**
         * {@code {"status":"READY"|"NOT READY","notReady":[names],"checks":{name:{"ready":bool,"reason":"..."}}}}.
         */
        private FullHttpResponse ready(Readiness.Report report) {
            Map<String, Object> checks = new LinkedHashMap<>();
            report.checks().forEach((name, reason) -> {
                Map<String, Object> check = new LinkedHashMap<>();
                check.put("ready", reason.isEmpty());
                reason.ifPresent(r -> check.put("reason", r));
                checks.put(name, check);
            });
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", report.ready() ? "READY" : "NOT READY");
            body.put("notReady", report.notReady());
            body.put("checks", checks);
            try {
                return text(report.ready() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                        json.writeValueAsString(body) + "\n", "application/json");
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("readiness cannot be serialised", e);
            }
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
