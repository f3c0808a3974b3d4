package dev.ebb.gateway.http.compliance;

import dev.ebb.gateway.compliance.Action;
import dev.ebb.gateway.compliance.RequestContext;
import dev.ebb.gateway.compliance.SubjectRights;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Data-subject rights on a customer's (controller's) instruction, the instruction's reference as
 * {@code X-Case-Reference}:
 * <ul>
 *   <li>{@code GET /v1/subjects/{customer}/records?msisdn=…&from=&to=&limit=&continuation=}: the number's records of
 *       that customer, as JSON lines or CSV</li>
 *   <li>{@code DELETE /v1/subjects/{customer}/records?msisdn=…}: always 409, traffic data under retention is not
 *       erased before its term</li>
 *   <li>{@code POST /v1/subjects/{customer}/restrictions} with {@code {"msisdn","kind":"restriction"|"objection"}},
 *       {@code GET /v1/subjects/{customer}/restrictions[?msisdn=]}</li>
 * </ul>
 */
final class SubjectRoutes {
    private static final Set<String> ACCESS_PARAMETERS = Set.of("msisdn", "from", "to", "limit", "continuation");

    private final ComplianceHandler http;
    private final SubjectRights subjects;
    private final Bodies bodies;

    SubjectRoutes(ComplianceHandler http, SubjectRights subjects, Bodies bodies) {
        this.http = http;
        this.subjects = subjects;
        this.bodies = bodies;
    }

    HttpResponse route(FullHttpRequest request, List<String> seg, Supplier<Map<String, List<String>>> q,
                           RequestContext ctx) {
        if (seg.size() != 4) {
            return http.notFound(request, ctx);
        }
        String raw = seg.get(2);
        HttpMethod m = request.method();
        if (seg.get(3).equals("records")) {
            if (m.equals(HttpMethod.GET)) {
                return http.audited(Action.SUBJECT_ACCESS, request, ctx, () -> http.records(request,
                        subjects.access(ctx, ComplianceHandler.decode(raw), ComplianceHandler.parameters(q.get(), ACCESS_PARAMETERS))));
            }
            if (m.equals(HttpMethod.DELETE)) {
                return http.audited(Action.SUBJECT_ERASE, request, ctx, () -> {
                    subjects.erase(ctx, ComplianceHandler.decode(raw), ComplianceHandler.flat(q.get(), Set.of("msisdn")).get("msisdn"));
                    throw new IllegalStateException("erasure of retained traffic data was not refused");
                });
            }
            return http.notAllowed(request, ctx);
        }
        if (seg.get(3).equals("restrictions")) {
            if (m.equals(HttpMethod.POST)) {
                return http.audited(Action.SUBJECT_RESTRICT, request, ctx, () -> {
                    ComplianceHandler.flat(q.get(), Set.of());
                    Map<String, String> body = bodies.flat(request, Set.of("msisdn", "kind"));
                    return http.json(201, subjects.restrict(ctx, ComplianceHandler.decode(raw), body.get("msisdn"), body.get("kind")));
                });
            }
            if (m.equals(HttpMethod.GET)) {
                return http.audited(Action.SUBJECT_READ_RESTRICTIONS, request, ctx, () -> http.json(200,
                        subjects.restrictions(ctx, ComplianceHandler.decode(raw),
                                ComplianceHandler.flat(q.get(), Set.of("msisdn")).get("msisdn"))));
            }
            return http.notAllowed(request, ctx);
        }
        return http.notFound(request, ctx);
    }
}
