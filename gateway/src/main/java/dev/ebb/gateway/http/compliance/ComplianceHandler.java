package dev.ebb.gateway.http.compliance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebb.gateway.compliance.AuditEntry;
import dev.ebb.gateway.compliance.AuditVerifyReport;
import dev.ebb.gateway.compliance.ComplianceRefusal;
import dev.ebb.gateway.compliance.ComplianceService;
import dev.ebb.gateway.compliance.Disclosure;
import dev.ebb.gateway.compliance.DisclosedRecord;
import dev.ebb.gateway.compliance.QueryParameters;
import dev.ebb.gateway.compliance.RequestContext;
import dev.ebb.metadata.VerifyReport;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes the compliance API. Runs on the listener's own event loop group; calls into {@link ComplianceService}
 * block (store reads, audit fsync), which is why that group must not be shared with customer traffic.
 */
final class ComplianceHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    static final String CASE_HEADER = "X-Case-Reference";
    static final String BASIS_HEADER = "X-Legal-Basis";
    static final String CONTINUATION_HEADER = "X-Continuation";
    static final String COUNT_HEADER = "X-Record-Count";
    static final String REQUEST_ID_HEADER = "X-Request-Id";
    private static final Logger LOG = LoggerFactory.getLogger(ComplianceHandler.class);
    private static final String EXPORT_PREFIX = "/v1/cases/";
    private static final String EXPORT_SUFFIX = "/export";

    private final ComplianceService service;
    private final ObjectMapper json = Responses.mapper();

    ComplianceHandler(ComplianceService service) {
        this.service = service;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        FullHttpResponse response;
        try {
            response = route(ctx, request);
        } catch (ComplianceRefusal r) {
            response = refusal(r);
        } catch (BadRequest e) {
            response = Responses.problem(json, Problem.of(400, "invalid-parameter", "Invalid parameter",
                    e.getMessage(), e.field, null));
        } catch (RuntimeException e) {
            // Only the type: a message could carry criteria (DESIGN invariant 1).
            LOG.error("compliance request failed: {}", e.getClass().getName());
            response = Responses.problem(json, Problem.of(500, "internal-error", "Internal error",
                    "the request could not be answered", null, null));
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        HttpUtil.setKeepAlive(response, keepAlive);
        var write = ctx.writeAndFlush(response);
        write.addListener(keepAlive ? ChannelFutureListener.CLOSE_ON_FAILURE : ChannelFutureListener.CLOSE);
    }

    private FullHttpResponse route(ChannelHandlerContext ctx, FullHttpRequest request) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path = uri.path();
        boolean get = request.method().equals(HttpMethod.GET);
        boolean post = request.method().equals(HttpMethod.POST);
        if (path.equals("/v1/retention/records") && get) {
            Disclosure d = service.query(context(ctx, request, null), parameters(uri.parameters()));
            return records(request, d);
        }
        if (path.startsWith(EXPORT_PREFIX) && path.endsWith(EXPORT_SUFFIX)
                && path.length() > EXPORT_PREFIX.length() + EXPORT_SUFFIX.length() && (get || post)) {
            String caseRef = path.substring(EXPORT_PREFIX.length(), path.length() - EXPORT_SUFFIX.length());
            Map<String, List<String>> params = post && request.content().isReadable() ? body(request)
                    : uri.parameters();
            return json(200, service.export(context(ctx, request, caseRef), parameters(params)));
        }
        if (path.equals("/v1/audit") && get) {
            List<AuditEntry> entries = service.readAudit(context(ctx, request, null), first(uri.parameters(), "from"),
                    first(uri.parameters(), "limit"));
            return ndjson(entries, Map.of("entries", entries.size()));
        }
        if (path.equals("/v1/audit/verify") && get) {
            AuditVerifyReport report = service.verifyAudit(context(ctx, request, null));
            return json(200, new AuditVerifyView(report.ok(), report.entriesChecked(), report.lastHash(),
                    report.firstProblem().orElse(null)));
        }
        if (path.equals("/v1/integrity/verify") && get) {
            VerifyReport report = service.verifyIntegrity(context(ctx, request, null),
                    first(uri.parameters(), "from"), first(uri.parameters(), "to"));
            return json(200, new IntegrityView(report.ok(), report.from(), report.to(), report.daysChecked(),
                    report.recordsChecked(), report.firstProblem().orElse(null)));
        }
        boolean known = path.equals("/v1/retention/records") || path.startsWith("/v1/audit")
                || path.equals("/v1/integrity/verify") || path.startsWith(EXPORT_PREFIX);
        return known ? Responses.problem(json, Problem.of(405, "method-not-allowed", "Method not allowed",
                request.method() + " is not supported on " + path, null, null))
                : Responses.problem(json, Problem.of(404, "not-found", "Not found", "no resource " + path, null,
                null));
    }

    private FullHttpResponse records(FullHttpRequest request, Disclosure d) {
        List<DisclosedRecord> records = d.records().stream().map(DisclosedRecord::of).toList();
        String accept = request.headers().get(HttpHeaderNames.ACCEPT, "");
        FullHttpResponse response;
        if (accept.contains("text/csv")) {
            response = Responses.of(200, Responses.CSV, Csv.of(records).getBytes(StandardCharsets.UTF_8));
        } else {
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("requestId", d.requestId());
            summary.put("records", records.size());
            summary.put("continuation", d.continuation().orElse(null));
            response = ndjson(records, summary);
        }
        response.headers().set(REQUEST_ID_HEADER, d.requestId()).setInt(COUNT_HEADER, records.size());
        d.continuation().ifPresent(c -> response.headers().set(CONTINUATION_HEADER, c));
        return response;
    }

    /** JSON lines: one object per item, then a {@code {"summary":…}} line so a reader knows the stream is whole. */
    private FullHttpResponse ndjson(List<?> items, Map<String, Object> summary) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 * (items.size() + 1));
        try {
            for (Object item : items) {
                out.write(json.writeValueAsBytes(item));
                out.write('\n');
            }
            out.write(json.writeValueAsBytes(Map.of("summary", summary)));
            out.write('\n');
        } catch (IOException e) {
            throw new IllegalStateException("response cannot be serialised", e);
        }
        return Responses.of(200, Responses.NDJSON, out.toByteArray());
    }

    private FullHttpResponse json(int status, Object body) {
        try {
            return Responses.of(status, Responses.JSON, json.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("response cannot be serialised", e);
        }
    }

    private FullHttpResponse refusal(ComplianceRefusal r) {
        String field = r.field() == null ? null : switch (r.field()) {
            case "caseReference" -> CASE_HEADER;
            case "legalBasis" -> BASIS_HEADER;
            default -> r.field();
        };
        Problem p = switch (r.kind()) {
            case UNAUTHENTICATED -> Problem.of(401, "unauthenticated", "Authentication required", r.getMessage(),
                    null, r.requestId());
            case FORBIDDEN -> Problem.of(403, "forbidden", "Not allowed for this role", r.getMessage(), null,
                    r.requestId());
            case INVALID -> Problem.of(400, "invalid-parameter", "Invalid parameter", r.getMessage(), field,
                    r.requestId());
            case FAILED -> Problem.of(503, "failed", "Request failed", r.getMessage(), null, r.requestId());
        };
        return Responses.problem(json, p);
    }

    private static RequestContext context(ChannelHandlerContext ctx, FullHttpRequest request, String pathCase) {
        String auth = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        // RFC 6750 §2.1: "Bearer" (scheme names are case-insensitive, RFC 9110 §11.1) and the token.
        String token = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).strip() : null;
        String caseRef = request.headers().get(CASE_HEADER);
        if (pathCase != null) {
            String decoded = QueryStringDecoder.decodeComponent(pathCase);
            if (caseRef != null && !caseRef.equals(decoded)) {
                throw new BadRequest(CASE_HEADER, CASE_HEADER + " differs from the case in the path");
            }
            caseRef = decoded;
        }
        String client = ctx.channel().remoteAddress() instanceof InetSocketAddress a
                ? a.getAddress().getHostAddress() : String.valueOf(ctx.channel().remoteAddress());
        return new RequestContext(token, caseRef, request.headers().get(BASIS_HEADER), client);
    }

    private Map<String, List<String>> body(FullHttpRequest request) {
        try {
            Map<?, ?> map = json.readValue(request.content().toString(StandardCharsets.UTF_8), Map.class);
            Map<String, List<String>> params = new LinkedHashMap<>();
            map.forEach((k, v) -> params.put(String.valueOf(k), List.of(String.valueOf(v))));
            return params;
        } catch (JsonProcessingException e) {
            throw new BadRequest("body", "the body must be a JSON object of query parameters");
        }
    }

    private static QueryParameters parameters(Map<String, List<String>> p) {
        for (String name : p.keySet()) {
            if (!List.of("msisdn", "role", "messageId", "customer", "from", "to", "limit", "continuation")
                    .contains(name)) {
                throw new BadRequest(name, "unknown parameter " + name);
            }
            if (p.get(name).size() > 1) {
                throw new BadRequest(name, name + " is given more than once");
            }
        }
        return new QueryParameters(first(p, "msisdn"), first(p, "role"), first(p, "messageId"), first(p, "customer"),
                first(p, "from"), first(p, "to"), first(p, "limit"), first(p, "continuation"));
    }

    private static String first(Map<String, List<String>> p, String name) {
        List<String> v = p.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.warn("compliance connection from {} failed: {}", ctx.channel().remoteAddress(),
                cause.getClass().getSimpleName());
        ctx.close();
    }

    /** {@link AuditVerifyReport} as JSON (no Optional: the mapper has no JDK 8 module). */
    private record AuditVerifyView(boolean ok, long entriesChecked, String lastHash,
                                   AuditVerifyReport.Problem firstProblem) {
    }

    /** {@link VerifyReport} as JSON. */
    private record IntegrityView(boolean ok, LocalDate from, LocalDate to, int daysChecked, long recordsChecked,
                                 VerifyReport.Problem firstProblem) {
    }

    /** A malformed request rejected before it reaches the service (and so before anyone is identified). */
    private static final class BadRequest extends RuntimeException {
        private final String field;

        BadRequest(String field, String message) {
            super(message, null, false, false);
            this.field = field;
        }
    }
}
