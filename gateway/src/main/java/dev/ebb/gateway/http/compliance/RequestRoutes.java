package dev.ebb.gateway.http.compliance;

import dev.ebb.gateway.compliance.Action;
import dev.ebb.gateway.compliance.DisclosureRequest;
import dev.ebb.gateway.compliance.DisclosureRequests;
import dev.ebb.gateway.compliance.QueryParameters;
import dev.ebb.gateway.compliance.RequestContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The disclosure request resources (ETSI TS 103 120 shaped):
 * <ul>
 *   <li>{@code POST /v1/requests} with {@code {"authorisation":{"reference","legalType","timespan":{"start","end"}},
 *       "task":{"msisdn"|"messageId"|"customer", "role"}}}: 201 and the request</li>
 *   <li>{@code GET /v1/requests[?state=AwaitingApproval]}, {@code GET /v1/requests/{id}}</li>
 *   <li>{@code POST /v1/requests/{id}/approve|reject|cancel}</li>
 *   <li>{@code GET /v1/requests/{id}/delivery[?continuation=…]}: one signed page (ETSI TS 102 657 shaped)</li>
 *   <li>{@code GET /v1/requests/{id}/export[?continuation=…]}: one page as an export package with inclusion
 *       proofs</li>
 * </ul>
 */
final class RequestRoutes {
    private final ComplianceHandler http;
    private final DisclosureRequests requests;
    private final Bodies bodies;

    RequestRoutes(ComplianceHandler http, DisclosureRequests requests, Bodies bodies) {
        this.http = http;
        this.requests = requests;
        this.bodies = bodies;
    }

    HttpResponse route(FullHttpRequest request, List<String> seg, Supplier<Map<String, List<String>>> q,
                           RequestContext base) {
        HttpMethod m = request.method();
        if (seg.size() == 2) {
            if (m.equals(HttpMethod.POST)) {
                return http.audited(Action.REQUEST_CREATE, request, base, () -> {
                    ComplianceHandler.flat(q.get(), Set.of());
                    Bodies.NewRequest body = bodies.newRequest(request);
                    Map<String, String> task = body.task();
                    DisclosureRequest created = requests.create(
                            new RequestContext(base.bearerToken(), body.reference(), body.legalType(),
                                    base.clientAddress()),
                            new QueryParameters(task.get("msisdn"), task.get("role"), task.get("messageId"),
                                    task.get("customer"), body.start(), body.end(), null, null));
                    HttpResponse r = http.json(201, created);
                    r.headers().set(HttpHeaderNames.LOCATION, "/v1/requests/" + created.id());
                    return r;
                });
            }
            if (m.equals(HttpMethod.GET)) {
                return http.audited(Action.REQUEST_READ, request, base, () -> http.json(200,
                        requests.list(base, ComplianceHandler.flat(q.get(), Set.of("state")).get("state"))));
            }
            return http.notAllowed(request, base);
        }
        String raw = seg.get(2);
        if (seg.size() == 3) {
            return m.equals(HttpMethod.GET) ? http.audited(Action.REQUEST_READ, request, base, () -> {
                ComplianceHandler.flat(q.get(), Set.of());
                return http.json(200, requests.get(base, ComplianceHandler.decode(raw)));
            }) : http.notAllowed(request, base);
        }
        if (seg.size() != 4) {
            return http.notFound(request, base);
        }
        return switch (seg.get(3)) {
            case "approve" -> decision(request, q, base, Action.REQUEST_APPROVE,
                    () -> requests.approve(base, ComplianceHandler.decode(raw)));
            case "reject" -> decision(request, q, base, Action.REQUEST_REJECT, () -> requests.reject(base, ComplianceHandler.decode(raw)));
            case "cancel" -> decision(request, q, base, Action.REQUEST_CANCEL, () -> requests.cancel(base, ComplianceHandler.decode(raw)));
            case "delivery" -> m.equals(HttpMethod.GET) ? http.audited(Action.REQUEST_DELIVER, request, base,
                    () -> http.json(200, requests.deliver(base, ComplianceHandler.decode(raw),
                            ComplianceHandler.flat(q.get(), Set.of("continuation")).get("continuation"))))
                    : http.notAllowed(request, base);
            case "export" -> m.equals(HttpMethod.GET) ? http.audited(Action.REQUEST_EXPORT, request, base,
                    () -> http.json(200, requests.export(base, ComplianceHandler.decode(raw),
                            ComplianceHandler.flat(q.get(), Set.of("continuation")).get("continuation"))))
                    : http.notAllowed(request, base);
            default -> http.notFound(request, base);
        };
    }

    private HttpResponse decision(FullHttpRequest request, Supplier<Map<String, List<String>>> q, RequestContext base,
                                      Action action, Supplier<DisclosureRequest> call) {
        if (!request.method().equals(HttpMethod.POST)) {
            return http.notAllowed(request, base);
        }
        return http.audited(action, request, base, () -> {
            ComplianceHandler.flat(q.get(), Set.of());
            return http.json(200, call.get());
        });
    }
}
