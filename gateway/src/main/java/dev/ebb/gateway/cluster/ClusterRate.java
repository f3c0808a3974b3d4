package dev.ebb.gateway.cluster;

import dev.ebb.gateway.config.CustomerConfig;
import dev.ebb.gateway.smpp.CustomerSessions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Holds each customer's {@code tps} over the whole cluster by dividing it among the live nodes in proportion to the
 * submits each is asked for, every {@link Presence#INTERVAL}: the "proportional share" of Google's Doorman (a
 * capacity split among clients by their stated wants), with the wants read from the nodes' presence announcements
 * instead of asked of a server. When the nodes together are asked for less than the rate, each gets what it is
 * asked plus an equal part of the rest, so a node whose customer starts sending is not held to nothing until the
 * next announcement; either way the shares add up to the rate. A node that leaves stops being counted within
 * {@link Presence#LIVE_FOR}, one that joins from its first announcement.
 *
 * <p>Each node's {@code Throttle} then enforces its share locally, as alone; a node that has heard of no other keeps
 * the whole rate.
 */
final class ClusterRate {
    /** The least share of a node, as a part of the customer's rate per node: a rate of 0 cannot be set. */
    private static final double FLOOR = 0.01;

    private final List<CustomerConfig> customers;
    private final CustomerSessions sessions;
    private final LongSupplier nanoTime;
    private final Map<String, Long> askedBefore = new HashMap<>();
    private final Map<String, Double> demand = new HashMap<>();
    private long lastNanos;

    ClusterRate(List<CustomerConfig> customers, CustomerSessions sessions, LongSupplier nanoTime) {
        this.customers = List.copyOf(customers);
        this.sessions = sessions;
        this.nanoTime = nanoTime;
        this.lastNanos = nanoTime.getAsLong();
    }

    /**
     * Measures what each customer was asked for here since the last call and sets its share from what the other
     * nodes announced; returns the demand to announce. Called on one thread, every {@link Presence#INTERVAL}.
     */
    Map<String, Double> divide(List<Presence.Node> others) {
        long now = nanoTime.getAsLong();
        double seconds = Math.max(1e-3, (now - lastNanos) / 1e9);
        lastNanos = now;
        Map<String, Double> announced = new HashMap<>();
        for (CustomerConfig customer : customers) {
            long asked = sessions.submitsAsked(customer);
            long before = askedBefore.getOrDefault(customer.id(), asked);
            askedBefore.put(customer.id(), asked);
            // Half the last measure, half the new: one second's burst does not swing the shares at once.
            double mine = demand.getOrDefault(customer.id(), 0.0) / 2 + (asked - before) / seconds / 2;
            demand.put(customer.id(), mine);
            announced.put(customer.id(), mine);
            List<Double> theirs = others.stream().map(n -> n.customers().get(customer.id()))
                    .map(c -> c == null ? 0.0 : c.demand()).toList();
            sessions.limitRate(customer, share(customer.tps(), mine, theirs));
        }
        return announced;
    }

    /** This node's part of {@code tps} given its demand and the other live nodes'. */
    static double share(int tps, double mine, List<Double> others) {
        int nodes = others.size() + 1;
        double total = mine + others.stream().mapToDouble(Double::doubleValue).sum();
        double share = total <= tps ? mine + (tps - total) / nodes : tps * mine / total;
        return Math.max(share, tps * FLOOR / nodes);
    }
}
