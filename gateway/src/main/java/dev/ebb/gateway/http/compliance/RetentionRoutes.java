package dev.ebb.gateway.http.compliance;

import dev.ebb.gateway.compliance.Action;
import dev.ebb.gateway.compliance.AuditQuery;
import dev.ebb.gateway.compliance.AuditVerifyReport;
import dev.ebb.gateway.compliance.ComplianceService;
import dev.ebb.metadata.VerifyReport;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Retention queries and the logs' own checks:
 * <ul>
 *   <li>{@code GET /v1/retention/records?msisdn|messageId|customer=…&role=&from=&to=&limit=&continuation=}</li>
 *   <li>{@code GET|POST /v1/cases/{case}/export}: the same query (POST: as a JSON body) as a signed export package</li>
 *   <li>{@code GET /v1/audit[?from=&limit=&case=&actor=]}, {@code GET /v1/audit/verify}</li>
 *   <li>{@code GET /v1/integrity/verify[?from=&to=]}</li>
 * </ul>
 */
final class RetentionRoutes {
    private RetentionRoutes() {
    }

    static List<Route> of(ComplianceService service, Rendering render, Bodies bodies) {
        return List.of(
                Route.get("/v1/retention/records", Action.QUERY, x -> render.records(x.request(),
                        service.query(x.ctx(), Parameters.retentionQuery(x.rawQuery(), Parameters.QUERY)))),
                Route.get("/v1/cases/*/export", Action.EXPORT, x -> export(service, render, bodies, x)),
                Route.postBody("/v1/cases/*/export", Action.EXPORT, x -> export(service, render, bodies, x)),
                Route.get("/v1/audit", Action.READ_AUDIT, x -> {
                    Map<String, String> p = x.query(Set.of("from", "limit", "case", "actor"));
                    AuditQuery.Page page = service.readAudit(x.ctx(), new AuditQuery(p.get("from"), p.get("limit"),
                            p.get("case"), p.get("actor")));
                    Map<String, Object> summary = new LinkedHashMap<>();
                    summary.put("entries", page.entries().size());
                    summary.put("next", page.next());
                    return render.ndjson(page.entries(), summary);
                }),
                Route.get("/v1/audit/verify", Action.VERIFY_AUDIT, x -> {
                    x.query(Set.of());
                    AuditVerifyReport report = service.verifyAudit(x.ctx());
                    return render.json(200, new AuditVerifyView(report.ok(), report.entriesChecked(),
                            report.lastHash(), report.firstProblem().orElse(null)));
                }),
                Route.get("/v1/integrity/verify", Action.VERIFY_INTEGRITY, x -> {
                    Map<String, String> p = x.query(Set.of("from", "to"));
                    VerifyReport report = service.verifyIntegrity(x.ctx(), p.get("from"), p.get("to"));
                    return render.json(200, new IntegrityView(report.ok(), report.from(), report.to(),
                            report.daysChecked(), report.recordsChecked(), report.firstProblem().orElse(null)));
                }));
    }

    /** The query in a POST's body if it has one, else in the query string. */
    private static HttpResponse export(ComplianceService service, Rendering render, Bodies bodies, Exchange x) {
        boolean inBody = x.request().method().equals(HttpMethod.POST) && x.request().content().isReadable();
        return render.json(200, service.export(Headers.withCase(x.ctx(), x.segment(2)),
                Parameters.retentionQuery(inBody ? Parameters.single(bodies.flat(x.request(), Parameters.QUERY))
                        : x.rawQuery(), Parameters.QUERY)));
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
