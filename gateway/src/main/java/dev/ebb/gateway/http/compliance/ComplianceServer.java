package dev.ebb.gateway.http.compliance;

import dev.ebb.gateway.compliance.ComplianceService;
import dev.ebb.gateway.config.ComplianceConfig;
import dev.ebb.gateway.http.BodyLimitAggregator;
import dev.ebb.gateway.http.HttpListener;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.util.List;
import java.util.Optional;

/**
 * The compliance API listener: its own port, optionally TLS, on an event loop group of its own so that slow
 * compliance clients and blocking store reads never delay customer traffic.
 *
 * <ul>
 *   <li>{@code GET /v1/retention/records?msisdn=…&role=source|destination|either&from=…&to=…&limit=…&continuation=…}
 *       (or {@code messageId=…}, {@code customer=…}), with {@code Authorization: Bearer}, {@code X-Case-Reference},
 *       {@code X-Legal-Basis}: JSON lines ({@code application/x-ndjson}, a summary line last) or CSV
 *       ({@code Accept: text/csv}); {@code X-Continuation} when the cap was reached</li>
 *   <li>{@code POST /v1/cases/{ref}/export} (JSON body of the same parameters) or {@code GET} with a query string:
 *       the export package</li>
 *   <li>{@code GET /v1/audit?from=&limit=&case=&actor=}, {@code GET /v1/audit/verify},
 *       {@code GET /v1/integrity/verify?from=&to=} for auditors</li>
 *   <li>{@code GET /console/}: the compliance console, static files that call the API above ({@link Console})</li>
 * </ul>
 * Errors are {@code application/problem+json} (RFC 9457).
 */
public final class ComplianceServer {
    private ComplianceServer() {
    }

    /**
     * Binds the listener; closing it stops listening (the group belongs to the caller).
     *
     * @param config  host, port, body limit
     * @param service the service requests go to
     * @param group   a group used by this listener only (calls into the service block)
     * @param tls     TLS context, or empty for plain HTTP
     */
    public static HttpListener start(ComplianceConfig config, ComplianceService service, EventLoopGroup group,
                                     Optional<SslContext> tls) throws InterruptedException {
        // Read from the jar once: every connection serves the same files.
        Console console = new Console();
        return HttpListener.bind(config.listener(), group, tls, "compliance",
                ComplianceHandler.auditedRefusals(service),
                () -> List.of(new BodyLimitAggregator(config.maxBodyBytes(), ComplianceHandler.auditedBodyRefusals(service)),
                        new ChunkedWriteHandler(), new ComplianceHandler(service, console)));
    }
}
