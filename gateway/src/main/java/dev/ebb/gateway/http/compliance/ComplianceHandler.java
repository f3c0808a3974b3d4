package dev.ebb.gateway.http.compliance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebb.gateway.compliance.Action;
import dev.ebb.gateway.compliance.AuditEntry;
import dev.ebb.gateway.compliance.AuditVerifyReport;
import dev.ebb.gateway.compliance.ComplianceRefusal;
import dev.ebb.gateway.compliance.ComplianceService;
import dev.ebb.gateway.compliance.DisclosedRecord;
import dev.ebb.gateway.compliance.Disclosure;
import dev.ebb.gateway.compliance.QueryParameters;
import dev.ebb.gateway.compliance.RequestContext;
import dev.ebb.gateway.http.ListenerRefusals;
import dev.ebb.gateway.http.Problem;
import dev.ebb.gateway.http.Responses;
import dev.ebb.gateway.http.StreamedResponse;
import dev.ebb.metadata.VerifyReport;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.ReadTimeoutException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
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

    static final Set<String> QUERY_PARAMETERS = Set.of("msisdn", "role", "messageId", "customer", "from", "to",
            "limit", "continuation");

    private final ComplianceService service;
    private final ObjectMapper json = Responses.mapper();
    private final Bodies bodies = new Bodies();
    private final RequestRoutes requests;
    private final SubjectRoutes subjects;

    ComplianceHandler(ComplianceService service) {
        this.service = service;
        this.requests = new RequestRoutes(this, service.requests(), bodies);
        this.subjects = new SubjectRoutes(this, service.subjects(), bodies);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (request.decoderResult().isFailure()) {
            refuseUndecodable(ctx, request);
            return;
        }
        HttpResponse response;
        try {
            response = route(ctx, request);
        } catch (ComplianceRefusal r) {
            response = refusal(r);
        } catch (RuntimeException e) {
            // Only the type: a message could carry criteria (DESIGN invariant 1).
            LOG.error("compliance request failed: {}", e.getClass().getName());
            response = Responses.problem(json, Problem.of(500, "internal-error", "Internal error",
                    "the request could not be answered"));
        }
        Responses.send(ctx, request, response);
    }

    private HttpResponse route(ChannelHandlerContext ctx, FullHttpRequest request) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        List<String> seg = segments(uri.rawPath());
        HttpMethod m = request.method();
        RequestContext base = context(ctx, request);
        Supplier<Map<String, List<String>>> q = () -> queryOf(uri);
        if (seg.size() < 2 || !seg.get(0).equals("v1")) {
            return notFound(request, base);
        }
        switch (seg.get(1)) {
            case "retention":
                if (seg.equals(List.of("v1", "retention", "records"))) {
                    return m.equals(HttpMethod.GET) ? audited(Action.QUERY, request, base, () -> records(request,
                            service.query(base, parameters(q.get(), QUERY_PARAMETERS)))) : notAllowed(request, base);
                }
                break;
            case "cases":
                if (seg.size() == 4 && seg.get(3).equals("export")) {
                    if (!m.equals(HttpMethod.GET) && !m.equals(HttpMethod.POST)) {
                        return notAllowed(request, base);
                    }
                    return audited(Action.EXPORT, request, base, () -> json(200, service.export(
                            withCase(base, decode(seg.get(2))),
                            parameters(m.equals(HttpMethod.POST) && request.content().isReadable()
                                    ? single(bodies.flat(request, QUERY_PARAMETERS)) : q.get(), QUERY_PARAMETERS))));
                }
                break;
            case "audit":
                if (seg.size() == 2) {
                    return m.equals(HttpMethod.GET) ? audited(Action.READ_AUDIT, request, base, () -> {
                        Map<String, String> p = flat(q.get(), Set.of("from", "limit"));
                        List<AuditEntry> entries = service.readAudit(base, p.get("from"), p.get("limit"));
                        return ndjson(entries, Map.of("entries", entries.size()));
                    }) : notAllowed(request, base);
                }
                if (seg.size() == 3 && seg.get(2).equals("verify")) {
                    return m.equals(HttpMethod.GET) ? audited(Action.VERIFY_AUDIT, request, base, () -> {
                        flat(q.get(), Set.of());
                        AuditVerifyReport report = service.verifyAudit(base);
                        return json(200, new AuditVerifyView(report.ok(), report.entriesChecked(), report.lastHash(),
                                report.firstProblem().orElse(null)));
                    }) : notAllowed(request, base);
                }
                break;
            case "integrity":
                if (seg.size() == 3 && seg.get(2).equals("verify")) {
                    return m.equals(HttpMethod.GET) ? audited(Action.VERIFY_INTEGRITY, request, base, () -> {
                        Map<String, String> p = flat(q.get(), Set.of("from", "to"));
                        VerifyReport report = service.verifyIntegrity(base, p.get("from"), p.get("to"));
                        return json(200, new IntegrityView(report.ok(), report.from(), report.to(),
                                report.daysChecked(), report.recordsChecked(), report.firstProblem().orElse(null)));
                    }) : notAllowed(request, base);
                }
                break;
            case "requests":
                return requests.route(request, seg, q, base);
            case "subjects":
                return subjects.route(request, seg, q, base);
            default:
                break;
        }
        return notFound(request, base);
    }

    /**
     * Runs a call; a request it cannot parse, starting with the headers every call reads, is audited as refused
     * (issue 5: every refused query is audited).
     */
    HttpResponse audited(Action action, HttpRequest request, RequestContext ctx, Supplier<HttpResponse> call) {
        try {
            checkHeaders(request);
            return call.get();
        } catch (BadRequest e) {
            return refusal(service.refuseMalformed(ctx, action, e.field(), e.getMessage()));
        }
    }

    /** 404 for a path that names no resource, audited (issue 9: with the caller's token id if it is valid). */
    HttpResponse notFound(HttpRequest request, RequestContext ctx) {
        String path = new QueryStringDecoder(request.uri()).rawPath();
        return unrouted(request, ctx, 404, "not-found", "Not found", "no resource " + path);
    }

    /** 405 for a method the resource does not take, audited like a 404. */
    HttpResponse notAllowed(HttpRequest request, RequestContext ctx) {
        String path = new QueryStringDecoder(request.uri()).rawPath();
        HttpResponse r = unrouted(request, ctx, 405, "method-not-allowed", "Method not allowed", request.method()
                + " is not supported on " + path);
        // RFC 9110 §15.5.6: a 405 names the methods the resource supports.
        r.headers().set(HttpHeaderNames.ALLOW, allowed(segments(path)));
        return r;
    }

    private HttpResponse unrouted(HttpRequest request, RequestContext ctx, int status, String type, String title,
                                  String detail) {
        String requestId = service.refuseUnrouted(ctx, request.method().name(),
                new QueryStringDecoder(request.uri()).rawPath(), detail);
        return Responses.problem(json, Problem.of(status, type, title, detail).withRequestId(requestId));
    }

    /**
     * Answers a request Netty could not decode (a control character in a header, headers over the limit, a bare LF
     * as line end, a broken chunk) with 400 and closes, as {@link Responses#refuseUndecodable} does, after auditing
     * it as refused with the client's address only: nothing else in it can be trusted.
     */
    private void refuseUndecodable(ChannelHandlerContext ctx, FullHttpRequest request) {
        // The cause's type, not its message: that may quote the offending header.
        String detail = "the request is not well-formed HTTP/1.1 ("
                + request.decoderResult().cause().getClass().getSimpleName() + ")";
        FullHttpResponse response;
        try {
            response = Responses.problem(json, Problem.of(400, "malformed-request", "Malformed request", detail)
                    .withRequestId(service.refuseUndecodable(clientAddress(ctx), detail)));
        } catch (ComplianceRefusal r) {
            response = refusal(r);
        }
        HttpUtil.setKeepAlive(response, false);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * Audits what the listener refuses before this handler sees it (a deadline missed, no single Host), like a
     * request Netty could not decode: with the caller's address only. A connection over the caps is not audited: it
     * carries no request, and an audit write per refused connection would let a connection flood fill the disk.
     */
    static ListenerRefusals auditedRefusals(ComplianceService service) {
        return (ctx, request, problem) -> {
            if (problem.status() == 503) {
                return null;
            }
            try {
                return service.refuseUndecodable(clientAddress(ctx), problem.detail());
            } catch (ComplianceRefusal r) {
                return null;
            }
        };
    }

    /** The methods each resource answers (the routes' own, listed once for the Allow header of a 405). */
    private static String allowed(List<String> seg) {
        boolean sub = seg.size() == 4;
        String last = seg.get(seg.size() - 1);
        if (seg.equals(List.of("v1", "requests")) || sub && seg.get(1).equals("cases")
                || sub && seg.get(1).equals("subjects") && last.equals("restrictions")) {
            return "GET, POST";
        }
        if (sub && seg.get(1).equals("subjects")) {
            return "GET, DELETE";
        }
        if (sub && seg.get(1).equals("requests") && Set.of("approve", "reject", "cancel").contains(last)) {
            return "POST";
        }
        return "GET";
    }

    HttpResponse records(FullHttpRequest request, Disclosure d) {
        List<DisclosedRecord> records = d.records().stream().map(DisclosedRecord::of).toList();
        String accept = request.headers().get(HttpHeaderNames.ACCEPT, "");
        HttpResponse response;
        if (accept.contains("text/csv")) {
            response = new StreamedResponse(Responses.CSV, Csv.lines(records));
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

    /**
     * JSON lines, streamed: one object per item, then a {@code {"summary":…}} line so a reader knows the stream is
     * whole.
     */
    HttpResponse ndjson(List<?> items, Map<String, Object> summary) {
        Iterator<Object> all = Stream.concat(items.stream(), Stream.of(Map.of("summary", summary))).iterator();
        return new StreamedResponse(Responses.NDJSON, new Iterator<>() {
            @Override
            public boolean hasNext() {
                return all.hasNext();
            }

            @Override
            public byte[] next() {
                try {
                    byte[] line = json.writeValueAsBytes(all.next());
                    byte[] withEnd = Arrays.copyOf(line, line.length + 1);
                    withEnd[line.length] = '\n';
                    return withEnd;
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException("response cannot be serialised", e);
                }
            }
        });
    }

    HttpResponse json(int status, Object body) {
        try {
            return Responses.of(status, Responses.JSON, json.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("response cannot be serialised", e);
        }
    }

    FullHttpResponse refusal(ComplianceRefusal r) {
        String field = r.field() == null ? null : switch (r.field()) {
            case "caseReference" -> CASE_HEADER;
            case "legalBasis" -> BASIS_HEADER;
            default -> r.field();
        };
        Problem p = switch (r.kind()) {
            case UNAUTHENTICATED -> Problem.of(401, "unauthenticated", "Authentication required", r.getMessage());
            case FORBIDDEN -> Problem.of(403, "forbidden", "Not allowed for this role", r.getMessage());
            case INVALID -> Problem.of(400, "invalid-parameter", "Invalid parameter", r.getMessage()).onField(field);
            case NOT_FOUND -> Problem.of(404, "not-found", "Not found", r.getMessage()).onField(field);
            case CONFLICT -> Problem.of(409, "conflict", "Not allowed in this state", r.getMessage());
            case APPROVAL_REQUIRED -> Problem.of(403, "four-eyes-required", "A second officer's approval is"
                    + " required", r.getMessage());
            case FAILED -> Problem.of(503, "failed", "Request failed", r.getMessage());
        };
        return Responses.problem(json, p.withRequestId(r.requestId()));
    }

    /**
     * Audits a request refused before its body was read (over the size limit, an unsupported expectation): as a
     * refused request of its action where its resource takes a body, else like a request to no resource (issue 5:
     * refused requests are audited too).
     *
     * @return the audit request id, or null if the audit log cannot be written
     */
    static ListenerRefusals auditedBodyRefusals(ComplianceService service) {
        return (ctx, request, problem) -> {
            Action action = bodyAction(request);
            if (action != null) {
                return service.refuseMalformed(context(ctx, request), action, problem.field(), problem.detail())
                        .requestId();
            }
            try {
                return service.refuseUndecodable(clientAddress(ctx), problem.detail());
            } catch (ComplianceRefusal r) {
                return null;
            }
        };
    }

    /** The action of a request that carries a body, or null where no resource takes one. */
    private static Action bodyAction(HttpRequest request) {
        if (!request.method().equals(HttpMethod.POST)) {
            return null;
        }
        List<String> seg = segments(new QueryStringDecoder(request.uri()).rawPath());
        if (seg.size() == 4 && seg.get(1).equals("cases") && seg.get(3).equals("export")) {
            return Action.EXPORT;
        }
        if (seg.equals(List.of("v1", "requests"))) {
            return Action.REQUEST_CREATE;
        }
        return seg.size() == 4 && seg.get(1).equals("subjects") && seg.get(3).equals("restrictions")
                ? Action.SUBJECT_RESTRICT : null;
    }

    /**
     * Who asks and on what grounds. A case or basis header sent more than once or not in UTF-8 is left out here;
     * {@link #checkHeaders} refuses it in every audited call.
     */
    static RequestContext context(ChannelHandlerContext ctx, HttpRequest request) {
        return new RequestContext(Responses.bearerToken(request), text(request, CASE_HEADER),
                text(request, BASIS_HEADER), clientAddress(ctx));
    }

    private static String clientAddress(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a
                ? a.getAddress().getHostAddress() : String.valueOf(ctx.channel().remoteAddress());
    }

    /**
     * Refuses a header the API reads given more than once (issue 9: the second was silently dropped), and a case
     * reference or legal basis that is not UTF-8.
     */
    private static void checkHeaders(HttpRequest request) {
        for (String name : List.of(HttpHeaderNames.AUTHORIZATION.toString(), CASE_HEADER, BASIS_HEADER)) {
            List<String> values = request.headers().getAll(name);
            if (values.size() > 1) {
                throw new BadRequest(name, name + " is given more than once");
            }
            if (!name.equals(HttpHeaderNames.AUTHORIZATION.toString()) && values.size() == 1
                    && utf8(values.get(0)) == null) {
                throw new BadRequest(name, name + " is not UTF-8");
            }
        }
    }

    /** A text header's one value, decoded as UTF-8; null if absent, repeated or not UTF-8. */
    private static String text(HttpRequest request, String name) {
        List<String> values = request.headers().getAll(name);
        return values.size() == 1 ? utf8(values.get(0)) : null;
    }

    /**
     * A header value as the client wrote it. Netty hands over field bytes as ISO-8859-1 characters (RFC 9110 §5.5
     * leaves other encodings to each field); the case reference and legal basis are taken as UTF-8, the encoding of
     * JSON bodies and of percent-encoded paths, so that "§" or "Ø" is stored as sent and a case named in a header
     * and in a path compare equal. Null if the bytes are not UTF-8.
     */
    private static String utf8(String latin1) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(latin1.getBytes(StandardCharsets.ISO_8859_1))).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** The context with the case named in the path, which a case header, if sent, must repeat. */
    private static RequestContext withCase(RequestContext base, String pathCase) {
        if (base.caseReference() != null && !base.caseReference().equals(pathCase)) {
            throw new BadRequest(CASE_HEADER, CASE_HEADER + " differs from the case in the path");
        }
        return new RequestContext(base.bearerToken(), pathCase, base.legalBasis(), base.clientAddress());
    }

    /**
     * The raw segments of a path, still percent-encoded: {@code /v1/cases/A%2FB/export} is
     * {@code [v1, cases, A%2FB, export]}. Variable segments are decoded with {@link #decode} where they are used,
     * inside the audited call, so that a malformed one is an audited 400.
     */
    private static List<String> segments(String rawPath) {
        List<String> out = new ArrayList<>();
        for (String s : rawPath.split("/")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    /** A path segment decoded. */
    static String decode(String rawSegment) {
        try {
            return QueryStringDecoder.decodeComponent(rawSegment);
        } catch (IllegalArgumentException e) {
            throw new BadRequest("path", "the path has a malformed percent-encoding");
        }
    }

    /** The query parameters decoded. */
    private static Map<String, List<String>> queryOf(QueryStringDecoder uri) {
        try {
            return uri.parameters();
        } catch (IllegalArgumentException e) {
            throw new BadRequest("query", "the query string has a malformed percent-encoding");
        }
    }

    /** Query or form parameters, each at most once and among {@code allowed}. */
    static Map<String, String> flat(Map<String, List<String>> p, Set<String> allowed) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : p.entrySet()) {
            if (!allowed.contains(e.getKey())) {
                throw new BadRequest(e.getKey(), "unknown parameter " + e.getKey());
            }
            if (e.getValue().size() > 1) {
                throw new BadRequest(e.getKey(), e.getKey() + " is given more than once");
            }
            out.put(e.getKey(), e.getValue().isEmpty() ? null : e.getValue().get(0));
        }
        return out;
    }

    static QueryParameters parameters(Map<String, List<String>> q, Set<String> allowed) {
        Map<String, String> p = flat(q, allowed);
        return new QueryParameters(p.get("msisdn"), p.get("role"), p.get("messageId"), p.get("customer"),
                p.get("from"), p.get("to"), p.get("limit"), p.get("continuation"));
    }

    private static Map<String, List<String>> single(Map<String, String> m) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, List.of(v)));
        return out;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // An idle connection closed by the read timeout is routine, not a failure.
        if (!(cause instanceof ReadTimeoutException)) {
            LOG.warn("compliance connection from {} failed: {}", ctx.channel().remoteAddress(),
                    cause.getClass().getSimpleName());
        }
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
}
