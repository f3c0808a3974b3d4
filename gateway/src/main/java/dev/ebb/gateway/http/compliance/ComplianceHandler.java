package dev.ebb.gateway.http.compliance;

import dev.ebb.gateway.compliance.Action;
import dev.ebb.gateway.compliance.ComplianceRefusal;
import dev.ebb.gateway.compliance.ComplianceService;
import dev.ebb.gateway.compliance.RequestContext;
import dev.ebb.gateway.http.AccessLog;
import dev.ebb.gateway.http.ApiDocument;
import dev.ebb.gateway.http.ListenerRefusals;
import dev.ebb.gateway.http.Problem;
import dev.ebb.gateway.http.Responses;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dispatches the compliance API on its one route table ({@link RetentionRoutes}, {@link RequestRoutes},
 * {@link SubjectRoutes}, {@link TlogRoutes}, {@link CallerRoutes}, and the API's OpenAPI document): every request,
 * routed or not, is audited, but for a GET of one of the console's static files ({@link Console}), which hold no data.
 * Runs on the listener's own event loop group; calls into {@link ComplianceService} block (store reads, audit fsync),
 * which is why that group must not be shared with customer traffic.
 */
final class ComplianceHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(ComplianceHandler.class);
    /**
     * Private to the caller and revalidated before each use: every read of it is audited like any request here, and
     * a shared cache would answer callers without a token.
     */
    private static final ApiDocument DOCUMENT = ApiDocument.load("/openapi/compliance-api.json", "private, no-cache");

    private final ComplianceService service;
    private final Rendering render = new Rendering();
    private final List<Route> routes;
    private final Console console;

    ComplianceHandler(ComplianceService service, Console console) {
        this.service = service;
        this.routes = routes(service, render);
        this.console = console;
    }

    /** Every route, in dispatch order; also what the OpenAPI document must describe (OpenApiDocumentsTest). */
    static List<Route> routes(ComplianceService service, Rendering render) {
        Bodies bodies = new Bodies();
        List<Route> all = new ArrayList<>(RetentionRoutes.of(service, render, bodies));
        all.addAll(RequestRoutes.of(service.requests(), render, bodies));
        all.addAll(SubjectRoutes.of(service.subjects(), render, bodies));
        all.addAll(TlogRoutes.of(service.transparency(), render));
        all.addAll(CallerRoutes.of(service, render));
        all.add(Route.get(ApiDocument.PATH, Action.READ_API_DOCUMENT, x -> {
            x.query(Set.of());
            service.readApiDocument(x.ctx());
            return DOCUMENT.answer(x.request());
        }));
        return List.copyOf(all);
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
            response = render.refusal(r);
        } catch (RuntimeException e) {
            // Only the type: a message could carry criteria (DESIGN invariant 1).
            LOG.error("compliance request failed: {}", e.getClass().getName());
            response = render.problem(Problem.of(500, "internal-error", "Internal error",
                    "the request could not be answered"));
        }
        if (Console.covers(new QueryStringDecoder(request.uri()).rawPath())) {
            // A browser may be sent to a 404 or 405 under the console as readily as to one of its files.
            Console.secure(response.headers());
        }
        AccessLog.identify(ctx, () -> service.tokenIdOf(Responses.bearerToken(request)).orElse(null));
        Responses.send(ctx, request, response);
    }

    private HttpResponse route(ChannelHandlerContext ctx, FullHttpRequest request) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        List<String> path = Parameters.segments(uri.rawPath());
        RequestContext base = Headers.context(ctx, request);
        if (console.serves(uri.rawPath())) {
            return request.method().equals(HttpMethod.GET) ? console.answer(request, uri.rawPath())
                    : notAllowed(request, base, HttpMethod.GET.name());
        }
        List<Route> here = at(routes, path);
        if (here.isEmpty()) {
            return notFound(request, base);
        }
        for (Route route : here) {
            if (route.method().equals(request.method())) {
                return audited(route.action(), request, base,
                        () -> route.call().apply(new Exchange(request, base, path, uri)));
            }
        }
        return notAllowed(request, base, here.stream().map(route -> route.method().name()).distinct()
                .collect(Collectors.joining(", ")));
    }

    /** The routes of the resource at {@code path}, one per method it takes. */
    private static List<Route> at(List<Route> routes, List<String> path) {
        return routes.stream().filter(r -> r.matches(path)).toList();
    }

    /**
     * Runs a call; a request it cannot parse, starting with the headers every call reads, is audited as refused
     * (issue 5: every refused query is audited).
     */
    private HttpResponse audited(Action action, HttpRequest request, RequestContext ctx,
                                 Supplier<HttpResponse> call) {
        try {
            Headers.check(request);
            return call.get();
        } catch (BadRequest e) {
            return render.refusal(service.refuseMalformed(ctx, action, e.field(), e.getMessage()));
        }
    }

    /** 404 for a path that names no resource, audited (issue 9: with the caller's token id if it is valid). */
    private HttpResponse notFound(HttpRequest request, RequestContext ctx) {
        String path = new QueryStringDecoder(request.uri()).rawPath();
        return unrouted(request, ctx, 404, "not-found", "Not found", "no resource " + path);
    }

    /** 405 for a method the resource does not take, audited like a 404. */
    private HttpResponse notAllowed(HttpRequest request, RequestContext ctx, String allowed) {
        String path = new QueryStringDecoder(request.uri()).rawPath();
        HttpResponse r = unrouted(request, ctx, 405, "method-not-allowed", "Method not allowed", request.method()
                + " is not supported on " + path);
        // RFC 9110 §15.5.6: a 405 names the methods the resource supports.
        r.headers().set(HttpHeaderNames.ALLOW, allowed);
        return r;
    }

    private HttpResponse unrouted(HttpRequest request, RequestContext ctx, int status, String type, String title,
                                  String detail) {
        String requestId = service.refuseUnrouted(ctx, request.method().name(),
                new QueryStringDecoder(request.uri()).rawPath(), detail);
        return render.problem(Problem.of(status, type, title, detail).withRequestId(requestId));
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
            response = render.problem(Problem.of(400, "malformed-request", "Malformed request", detail)
                    .withRequestId(service.refuseUndecodable(Headers.clientAddress(ctx), detail)));
        } catch (ComplianceRefusal r) {
            response = render.refusal(r);
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
                return service.refuseUndecodable(Headers.clientAddress(ctx), problem.detail());
            } catch (ComplianceRefusal r) {
                return null;
            }
        };
    }

    /**
     * Audits a request refused before its body was read (over the size limit, an unsupported expectation): as a
     * refused request of its action where its resource takes a body, else like a request to no resource (issue 5:
     * refused requests are audited too).
     *
     * @return the audit request id, or null if the audit log cannot be written
     */
    static ListenerRefusals auditedBodyRefusals(ComplianceService service) {
        List<Route> routes = routes(service, new Rendering());
        return (ctx, request, problem) -> {
            Action action = bodyAction(routes, request);
            if (action != null) {
                return service.refuseMalformed(Headers.context(ctx, request), action, problem.field(),
                        problem.detail()).requestId();
            }
            try {
                return service.refuseUndecodable(Headers.clientAddress(ctx), problem.detail());
            } catch (ComplianceRefusal r) {
                return null;
            }
        };
    }

    /** The action of a request whose route takes a body, or null where none does. */
    private static Action bodyAction(List<Route> routes, HttpRequest request) {
        List<String> path = Parameters.segments(new QueryStringDecoder(request.uri()).rawPath());
        return at(routes, path).stream().filter(r -> r.takesBody() && r.method().equals(request.method()))
                .map(Route::action).findFirst().orElse(null);
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
}
