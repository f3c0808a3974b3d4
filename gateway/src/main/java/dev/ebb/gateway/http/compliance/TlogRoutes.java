package dev.ebb.gateway.http.compliance;

import dev.ebb.gateway.compliance.Action;
import dev.ebb.gateway.compliance.TransparencyLog;
import dev.ebb.gateway.http.Responses;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The metadata store's per-day transparency logs, read-only, for auditors; {@code /v1/tlog/<day>} is the C2SP
 * tlog-tiles prefix of the day's log:
 * <ul>
 *   <li>{@code GET /v1/tlog}: the log key and the days with a checkpoint</li>
 *   <li>{@code GET /v1/tlog/{day}/checkpoint}: the latest checkpoint with its cosignatures</li>
 *   <li>{@code GET /v1/tlog/{day}/tile/<L>/<N>[.p/<W>]}, {@code GET /v1/tlog/{day}/tile/entries/<N>[.p/<W>]}</li>
 *   <li>{@code GET /v1/tlog/{day}/proof/consistency?from=&to=}, {@code GET
 *       /v1/tlog/{day}/proof/inclusion?index=&treeSize=}: RFC 6962 proofs as JSON</li>
 * </ul>
 * A tile index takes one to three path elements and a partial tile one more ({@code .p/<W>}), so each tile route
 * comes in those four depths.
 */
final class TlogRoutes {
    /** Tile index elements plus a partial tile's width: enough for 10^9 tiles per level. */
    static final int MAX_TILE_DEPTH = 4;
    private static final String TEXT = "text/plain; charset=utf-8";
    private static final String OCTETS = "application/octet-stream";

    private TlogRoutes() {
    }

    static List<Route> of(TransparencyLog log, Rendering render) {
        List<Route> routes = new ArrayList<>();
        routes.add(Route.get("/v1/tlog", Action.READ_TLOG, x -> {
            x.query(Set.of());
            return render.json(200, log.index(x.ctx()));
        }));
        routes.add(Route.get("/v1/tlog/*/checkpoint", Action.READ_TLOG, x -> {
            x.query(Set.of());
            // tlog-tiles: the checkpoint is mutable, so it must not be cached beyond a few seconds.
            return withCache(Responses.of(200, TEXT, log.checkpoint(x.ctx(), x.segment(2))
                    .getBytes(StandardCharsets.UTF_8)), "private, no-cache");
        }));
        // The entry bundles first: "entries" would otherwise be taken for a level.
        for (String level : List.of("entries", "*")) {
            for (int depth = 1; depth <= MAX_TILE_DEPTH; depth++) {
                routes.add(Route.get("/v1/tlog/*/tile/" + level + "/*".repeat(depth), Action.READ_TLOG, x -> {
                    x.query(Set.of());
                    List<String> tile = new ArrayList<>();
                    for (int i = 4; i < x.path().size(); i++) {
                        tile.add(x.segment(i));
                    }
                    // tlog-tiles: tiles are immutable, full and partial alike (a partial one is of a fixed width).
                    return withCache(Responses.of(200, OCTETS, log.tile(x.ctx(), x.segment(2), tile)),
                            "private, max-age=31536000, immutable");
                }));
            }
        }
        routes.add(Route.get("/v1/tlog/*/proof/consistency", Action.READ_TLOG, x -> {
            Map<String, String> p = x.query(Set.of("from", "to"));
            return render.json(200, log.consistency(x.ctx(), x.segment(2), p.get("from"), p.get("to")));
        }));
        routes.add(Route.get("/v1/tlog/*/proof/inclusion", Action.READ_TLOG, x -> {
            Map<String, String> p = x.query(Set.of("index", "treeSize"));
            return render.json(200, log.inclusion(x.ctx(), x.segment(2), p.get("index"), p.get("treeSize")));
        }));
        return List.copyOf(routes);
    }

    private static HttpResponse withCache(HttpResponse r, String cacheControl) {
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, cacheControl);
        return r;
    }
}
