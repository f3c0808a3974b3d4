package dev.ebb.gateway.http.compliance;

import dev.ebb.gateway.compliance.Action;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import java.util.List;
import java.util.function.Function;

/**
 * One method on one resource of the compliance API: the one table the handler dispatches on, names the methods of a
 * 405's Allow header from, and finds the action of a refused body in.
 *
 * @param pattern   the path's segments, {@code *} for a variable one (handed to the call still percent-encoded)
 * @param action    what the request is audited as
 * @param takesBody true where the request carries a JSON body, so that a body refused before it is read (over the
 *                  size limit) is audited as this action
 */
record Route(HttpMethod method, List<String> pattern, Action action, boolean takesBody,
             Function<Exchange, HttpResponse> call) {
    static Route get(String path, Action action, Function<Exchange, HttpResponse> call) {
        return new Route(HttpMethod.GET, Parameters.segments(path), action, false, call);
    }

    /** A POST that carries no body. */
    static Route post(String path, Action action, Function<Exchange, HttpResponse> call) {
        return new Route(HttpMethod.POST, Parameters.segments(path), action, false, call);
    }

    static Route postBody(String path, Action action, Function<Exchange, HttpResponse> call) {
        return new Route(HttpMethod.POST, Parameters.segments(path), action, true, call);
    }

    static Route delete(String path, Action action, Function<Exchange, HttpResponse> call) {
        return new Route(HttpMethod.DELETE, Parameters.segments(path), action, false, call);
    }

    boolean matches(List<String> segments) {
        if (segments.size() != pattern.size()) {
            return false;
        }
        for (int i = 0; i < pattern.size(); i++) {
            if (!pattern.get(i).equals("*") && !pattern.get(i).equals(segments.get(i))) {
                return false;
            }
        }
        return true;
    }
}
