package dev.ebb.gateway.http.compliance;

import dev.ebb.gateway.compliance.Action;
import dev.ebb.gateway.compliance.DisclosureRequest;
import dev.ebb.gateway.compliance.DisclosureRequests;
import dev.ebb.gateway.compliance.QueryParameters;
import dev.ebb.gateway.compliance.RequestContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The disclosure request resources (ETSI TS 103 120 shaped):
 * <ul>
 *   <li>{@code POST /v1/requests} with {@code {"authorisation":{"reference","legalType","timespan":{"start","end"}},
 *       "task":{"msisdn"|"messageId"|"customer", "role"}}}: 201 and the request</li>
 *   <li>{@code GET /v1/requests[?state=AwaitingApproval]}, {@code GET /v1/requests/{id}}</li>
 *   <li>{@code GET /v1/requests/{id}/history}: its entries in the audit log</li>
 *   <li>{@code POST /v1/requests/{id}/approve|reject|cancel}</li>
 *   <li>{@code GET /v1/requests/{id}/delivery[?continuation=…]}: one signed page (ETSI TS 102 657 shaped)</li>
 *   <li>{@code GET /v1/requests/{id}/export[?continuation=…]}: one page as an export package with inclusion
 *       proofs</li>
 * </ul>
 */
final class RequestRoutes {
    private RequestRoutes() {
    }

    static List<Route> of(DisclosureRequests requests, Rendering render, Bodies bodies) {
        return List.of(
                Route.get("/v1/requests", Action.REQUEST_READ,
                        x -> render.json(200, requests.list(x.ctx(), x.query(Set.of("state")).get("state")))),
                Route.postBody("/v1/requests", Action.REQUEST_CREATE, x -> {
                    x.query(Set.of());
                    Bodies.NewRequest body = bodies.newRequest(x.request());
                    DisclosureRequest created = requests.create(new RequestContext(x.ctx().bearerToken(),
                                    body.reference(), body.legalType(), x.ctx().clientAddress()),
                            QueryParameters.selecting(body.task(), body.start(), body.end()));
                    HttpResponse r = render.json(201, created);
                    r.headers().set(HttpHeaderNames.LOCATION, "/v1/requests/" + created.id());
                    return r;
                }),
                Route.get("/v1/requests/*", Action.REQUEST_READ, x -> {
                    x.query(Set.of());
                    return render.json(200, requests.get(x.ctx(), x.segment(2)));
                }),
                Route.get("/v1/requests/*/history", Action.REQUEST_READ, x -> {
                    x.query(Set.of());
                    return render.json(200, requests.history(x.ctx(), x.segment(2)));
                }),
                decision("approve", Action.REQUEST_APPROVE, render, x -> requests.approve(x.ctx(), x.segment(2))),
                decision("reject", Action.REQUEST_REJECT, render, x -> requests.reject(x.ctx(), x.segment(2))),
                decision("cancel", Action.REQUEST_CANCEL, render, x -> requests.cancel(x.ctx(), x.segment(2))),
                Route.get("/v1/requests/*/delivery", Action.REQUEST_DELIVER, x -> render.json(200,
                        requests.deliver(x.ctx(), x.segment(2), x.query(Set.of("continuation")).get("continuation")))),
                Route.get("/v1/requests/*/export", Action.REQUEST_EXPORT, x -> render.json(200,
                        requests.export(x.ctx(), x.segment(2), x.query(Set.of("continuation")).get("continuation")))));
    }

    private static Route decision(String verb, Action action, Rendering render,
                                  Function<Exchange, DisclosureRequest> call) {
        return Route.post("/v1/requests/*/" + verb, action, x -> {
            x.query(Set.of());
            return render.json(200, call.apply(x));
        });
    }
}
