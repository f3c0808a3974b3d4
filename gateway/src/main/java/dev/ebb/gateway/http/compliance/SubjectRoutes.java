package dev.ebb.gateway.http.compliance;

import dev.ebb.gateway.compliance.Action;
import dev.ebb.gateway.compliance.SubjectRights;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

    private SubjectRoutes() {
    }

    static List<Route> of(SubjectRights subjects, Rendering render, Bodies bodies) {
        return List.of(
                Route.get("/v1/subjects/*/records", Action.SUBJECT_ACCESS, x -> render.records(x.request(),
                        subjects.access(x.ctx(), x.segment(2),
                                Parameters.retentionQuery(x.rawQuery(), ACCESS_PARAMETERS)))),
                Route.delete("/v1/subjects/*/records", Action.SUBJECT_ERASE, x -> {
                    subjects.erase(x.ctx(), x.segment(2), x.query(Set.of("msisdn")).get("msisdn"));
                    throw new IllegalStateException("erasure of retained traffic data was not refused");
                }),
                Route.get("/v1/subjects/*/restrictions", Action.SUBJECT_READ_RESTRICTIONS, x -> render.json(200,
                        subjects.restrictions(x.ctx(), x.segment(2), x.query(Set.of("msisdn")).get("msisdn")))),
                Route.postBody("/v1/subjects/*/restrictions", Action.SUBJECT_RESTRICT, x -> {
                    x.query(Set.of());
                    Map<String, String> body = bodies.flat(x.request(), Set.of("msisdn", "kind"));
                    return render.json(201, subjects.restrict(x.ctx(), x.segment(2), body.get("msisdn"),
                            body.get("kind")));
                }));
    }
}
