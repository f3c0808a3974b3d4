package dev.ebb.gateway.route;

import dev.ebb.gateway.config.RouteConfig;
import dev.ebb.gateway.core.SmppAddress;
import dev.ebb.gateway.core.Submission;
import dev.ebb.model.Msisdn;
import dev.ebb.model.Numbering;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Chooses the southbound connector for a destination: the route with the longest digit prefix of the E.164 number
 * wins, the empty prefix being the default route.
 *
 * <p>A digit trie in flat arrays, built once and never changed, so lookups are lock-free, allocation-free and take
 * at most 15 steps; share one instance between threads.
 */
public final class RouteTable {
    private static final int NONE = -1;

    /** {@code children[node * 10 + digit]}: the child node, 0 when absent (the root is never a child). */
    private final int[] children;
    /** {@code connectorOf[node]}: index into {@link #connectors} of the route ending here, or {@link #NONE}. */
    private final int[] connectorOf;
    /** Pre-built results, so a lookup allocates nothing. */
    private final List<Optional<String>> connectors;
    /** The rows that name a fallback, by their connector (the config makes the rows of one connector agree). */
    private final Map<String, RouteConfig> failovers;

    /**
     * Builds the table.
     *
     * @throws IllegalArgumentException when a prefix appears twice
     */
    public RouteTable(List<RouteConfig> routes) {
        int maxNodes = 1 + routes.stream().mapToInt(r -> r.prefix().length()).sum();
        int[] kids = new int[maxNodes * 10];
        int[] ends = new int[maxNodes];
        Arrays.fill(ends, NONE);
        int nodes = 1;
        for (int r = 0; r < routes.size(); r++) {
            String prefix = routes.get(r).prefix();
            int node = 0;
            for (int i = 0; i < prefix.length(); i++) {
                int slot = node * 10 + prefix.charAt(i) - '0';
                if (kids[slot] == 0) {
                    kids[slot] = nodes++;
                }
                node = kids[slot];
            }
            if (ends[node] != NONE) {
                throw new IllegalArgumentException("route prefix '" + prefix + "' appears twice");
            }
            ends[node] = r;
        }
        this.children = Arrays.copyOf(kids, nodes * 10);
        this.connectorOf = Arrays.copyOf(ends, nodes);
        this.connectors = routes.stream().map(r -> Optional.of(r.connector())).toList();
        Map<String, RouteConfig> withFallback = new LinkedHashMap<>();
        routes.stream().filter(r -> r.fallback() != null).forEach(r -> withFallback.putIfAbsent(r.connector(), r));
        this.failovers = Map.copyOf(withFallback);
    }

    /** The route of each connector that has a fallback, by that connector's name. */
    public Map<String, RouteConfig> failovers() {
        return failovers;
    }

    /**
     * The route an accepted message took, recomputed from its (already validated) destination after a
     * restart; "none" if the table no longer covers it.
     */
    public String routeOf(Submission submission) {
        SmppAddress to = submission.message().destination();
        return connectorFor(Msisdn.fromSmpp(to.ton(), to.npi(), to.value(), Numbering.INTERNATIONAL)).orElse("none");
    }

    /** The connector of the longest matching prefix; empty when no route matches (and there is no default route). */
    public Optional<String> connectorFor(Msisdn destination) {
        String e164 = destination.e164();
        int node = 0;
        int best = connectorOf[0];
        // Index 0 is the '+'; Msisdn guarantees digits after it.
        for (int i = 1; i < e164.length(); i++) {
            node = children[node * 10 + e164.charAt(i) - '0'];
            if (node == 0) {
                break;
            }
            if (connectorOf[node] != NONE) {
                best = connectorOf[node];
            }
        }
        return best == NONE ? Optional.empty() : connectors.get(best);
    }
}
