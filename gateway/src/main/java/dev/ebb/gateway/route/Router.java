package dev.ebb.gateway.route;

import static dev.ebb.gateway.smpp.pdu.CommandStatus.ESME_RSYSERR;

import dev.ebb.gateway.config.RouteConfig;
import dev.ebb.gateway.core.MessageState;
import dev.ebb.gateway.core.Replacement;
import dev.ebb.gateway.privacy.PrivacyInterceptor;
import dev.ebb.metadata.EventType;
import dev.ebb.model.Msisdn;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.concurrent.CompletionException;

/**
 * Chooses a connector by the prefix table and hands it the message, at once or when it is scheduled. The router
 * sees no content: it passes the vault handle on, and the content is opened only to give it to the connector that
 * submits it. Until then the customer may cancel or replace the message.
 *
 * <p>Failover: a route with a {@code fallback} sends by it while its own connector has had no bind for
 * {@code fallbackAfter} and the fallback has one; {@link #failOver} then also moves the messages queued for the
 * connector over. Once the connector binds again new messages go by it. A message that went by a fallback gets a ROUTED
 * record naming it, and its later records name it as their route.
 */
public final class Router {
    private static final Logger LOG = LoggerFactory.getLogger(Router.class);

    private final RouteTable table;
    private final Map<String, Connector> connectors;
    private final PrivacyInterceptor privacy;
    private final DispatchResults receipts;
    private final Clock clock;
    /** Messages accepted and not yet taken by a connector's sending thread, by id. */
    private final Map<String, Waiting> waiting = new ConcurrentHashMap<>();
    /**
     * Scheduled messages not yet due, soonest first, then in the order they came; guarded by itself. One cancelled or
     * replaced leaves at once: it would otherwise stay in memory until its time, up to the content window.
     */
    private final TreeSet<Waiting> scheduled = new TreeSet<>(Comparator.comparing(Waiting::deliverAt)
            .thenComparingLong(Waiting::order));
    /**
     * How many of {@link #scheduled} each route has. They wait in memory as a connector's queue does, so they count
     * against its limit: scheduled days ahead, they would otherwise pile up until the heap is gone. Guarded by
     * {@link #scheduled}.
     */
    private final Map<String, Integer> scheduledByRoute = new HashMap<>();
    /** How many of {@link #scheduled} each customer has, for its own share of them. Guarded by {@link #scheduled}. */
    private final Map<String, Integer> scheduledByCustomer = new HashMap<>();
    private final AtomicLong order = new AtomicLong();
    /** The route of each connector that has a fallback, by connector. */
    private final Map<String, RouteConfig> failovers;
    /** Connectors whose route now goes by its fallback, for a log line when that starts and ends. */
    private final Set<String> failedOver = ConcurrentHashMap.newKeySet();

    /** @param clock tells when a scheduled message is due */
    public Router(RouteTable table, Map<String, ? extends Connector> connectors, PrivacyInterceptor privacy,
                  DispatchResults receipts, Clock clock) {
        this.table = table;
        this.connectors = Map.copyOf(connectors);
        this.privacy = privacy;
        this.receipts = receipts;
        this.clock = clock;
        this.failovers = table.failovers();
    }

    /** The connector for a destination; empty when no prefix matches (refused at submit time). */
    public Optional<String> routeFor(Msisdn destination) {
        return table.connectorFor(destination);
    }

    /**
     * The route's connector cannot take more messages now, counting those scheduled for it (SMPP 3.4 §5.1.3
     * ESME_RMSGQFUL for the customer).
     */
    public boolean isCongested(String route) {
        Connector connector = connectorFor(route);
        if (connector == null) {
            return false;
        }
        int held;
        synchronized (scheduled) {
            held = scheduledByRoute.getOrDefault(route, 0);
        }
        return connector.isFull(held);
    }

    /**
     * Ends a message whose content cannot be read (its vault record is damaged): it cannot be sent, so it is
     * UNDELIVERABLE with ESME_RSYSERR, as a message that fails so in a sending thread.
     */
    public void unreadable(InFlight message) {
        receipts.finish(message, MessageState.UNDELIVERABLE, null, ESME_RSYSERR, ESME_RSYSERR);
    }

    /**
     * Submits the message southbound (its end arrives later through the {@link DispatchResults}), at once or, when {@code deliverAt} is later (schedule_delivery_time, SMPP 3.4
     * §4.4.1), once {@link #releaseDue} finds it due. Until a connector's sending thread takes it, the customer may
     * cancel or replace it.
     */
    public void dispatch(InFlight message, Instant deliverAt) {
        Waiting entry = new Waiting(message, deliverAt, order.incrementAndGet());
        Waiting previous = waiting.put(message.messageId(), entry);
        if (previous != null && previous.endWaiting()) {
            unschedule(previous);
            // Two live copies of one message: a replace that a crash interrupted, re-queued oldest first. The newer,
            // the one the customer asked for, stays.
            privacy.discard(previous.message().handle());
        }
        hold(entry);
    }

    /** Hands every scheduled message now due to its connector; the gateway calls this on a schedule. */
    public int releaseDue() {
        Instant now = clock.instant();
        List<Waiting> due = new ArrayList<>();
        synchronized (scheduled) {
            while (!scheduled.isEmpty() && !scheduled.first().deliverAt().isAfter(now)) {
                Waiting entry = scheduled.pollFirst();
                uncount(entry);
                due.add(entry);
            }
        }
        for (Waiting entry : due) {
            if (!entry.isWaiting()) {
                continue; // cancelled or replaced while it was held
            }
            try {
                send(entry);
            } catch (RuntimeException e) {
                // One message that cannot be handed on must not stop the others (or the schedule that calls this).
                LOG.error("scheduled message {} could not be dispatched: {}", entry.message().messageId(), e.toString());
            }
        }
        return due.size();
    }

    /**
     * cancel_sm (SMPP 3.4 §4.9): ends the customer's message DELETED if it still waits in Ebb, with its receipt if
     * the customer asked for one.
     *
     * @return false for a message of another customer, unknown, or already taken by a connector or ended
     */
    public boolean cancel(String customerId, String messageId) {
        Waiting entry = waiting.get(messageId);
        if (entry == null || !entry.message().customerId().equals(customerId) || !entry.endWaiting()) {
            return false;
        }
        waiting.remove(messageId, entry);
        unschedule(entry);
        receipts.finish(entry.message(), MessageState.DELETED, null, 0, 0);
        return true;
    }

    /**
     * replace_sm (SMPP 3.4 §4.10): new content for the customer's message if it still waits in Ebb. It waits on under
     * its new schedule, behind messages queued meanwhile.
     *
     * @return false for a message of another customer, unknown, or already taken by a connector or ended
     * @throws dev.ebb.gateway.core.InvalidMessageException when the new content does not fit the message
     */
    public boolean replace(String customerId, String messageId, Replacement replacement) {
        Waiting entry = waiting.get(messageId);
        if (entry == null || !entry.message().customerId().equals(customerId)) {
            return false;
        }
        InFlight old = entry.message();
        Instant deliverAt = replacement.deliverAt() == null ? entry.deliverAt() : replacement.deliverAt();
        Optional<Waiting> next = entry.replaceWith(() -> privacy.replace(old.accepted(),
                m -> replacement.applyTo(m, old.record().eventTime()))
                .map(accepted -> new Waiting(new InFlight(accepted, replacement.wantsReceipt(), old.sessionId(),
                        old.contentUntilSubmitted()), deliverAt, order.incrementAndGet())));
        next.ifPresent(n -> {
            waiting.replace(messageId, entry, n);
            unschedule(entry);
            hold(n);
        });
        return next.isPresent();
    }

    private void hold(Waiting entry) {
        if (entry.deliverAt() != null && entry.deliverAt().isAfter(clock.instant())) {
            synchronized (scheduled) {
                scheduled.add(entry);
                scheduledByRoute.merge(entry.message().route(), 1, Integer::sum);
                scheduledByCustomer.merge(entry.message().customerId(), 1, Integer::sum);
            }
        } else {
            send(entry);
        }
    }

    /** Takes an entry that ended while it waited out of the schedule, if it was in it. */
    private void unschedule(Waiting entry) {
        if (entry.deliverAt() == null) {
            return;
        }
        synchronized (scheduled) {
            if (scheduled.remove(entry)) {
                uncount(entry);
            }
        }
    }

    /** An entry left {@link #scheduled}; the caller holds its lock. */
    private void uncount(Waiting entry) {
        scheduledByRoute.computeIfPresent(entry.message().route(), (route, n) -> n == 1 ? null : n - 1);
        scheduledByCustomer.computeIfPresent(entry.message().customerId(), (customer, n) -> n == 1 ? null : n - 1);
    }

    /** How many scheduled messages of {@code customerId} wait for their time. */
    public int scheduledOf(String customerId) {
        synchronized (scheduled) {
            return scheduledByCustomer.getOrDefault(customerId, 0);
        }
    }

    /**
     * The connector a message of {@code route} goes by now: the route's own, or its fallback while the own one has
     * been without a bind for {@code fallbackAfter} and the fallback has one.
     */
    private Connector connectorFor(String route) {
        Connector primary = connectors.get(route);
        RouteConfig failover = failovers.get(route);
        if (primary == null || failover == null) {
            return primary;
        }
        Instant down = primary.unboundSince();
        if (down == null || Duration.between(down, clock.instant()).compareTo(failover.fallbackAfter()) < 0) {
            return primary;
        }
        Connector fallback = connectors.get(failover.fallback());
        return fallback.unboundSince() == null ? fallback : primary;
    }

    /**
     * Moves the messages queued for each connector whose route now goes by its fallback over to it, and notes (in the
     * log) where a route switched; the gateway calls this on a schedule.
     *
     * @return how many messages were moved
     */
    public int failOver() {
        int moved = 0;
        for (Map.Entry<String, RouteConfig> route : failovers.entrySet()) {
            String name = route.getKey();
            Connector primary = connectors.get(name);
            if (connectorFor(name) == primary) {
                if (failedOver.remove(name)) {
                    LOG.info("connector {} is bound again: its route goes by it again, not by {}", name,
                            route.getValue().fallback());
                }
                continue;
            }
            if (failedOver.add(name)) {
                LOG.warn("connector {} has had no bind for {} or more: its route goes by {} until it binds again", name,
                        route.getValue().fallbackAfter(), route.getValue().fallback());
            }
            moved += primary.withdrawQueued();
        }
        return moved;
    }

    private void send(Waiting entry) {
        InFlight message = entry.message();
        Connector connector = connectorFor(message.route());
        if (connector == null) {
            if (entry.end()) {
                waiting.remove(message.messageId(), entry);
                receipts.finish(message, MessageState.UNDELIVERABLE, null, ESME_RSYSERR, ESME_RSYSERR);
            }
            return;
        }
        InFlight used = message.via(connector.name());
        if (used != message) {
            privacy.record(used.record(), EventType.ROUTED, null, 0, 0);
        }
        // The content is opened by the connector's sending thread, only when it submits (DESIGN.md: the
        // router never sees content bytes); from that claim on, the message can no longer be cancelled or replaced.
        Outbound outbound = new Outbound(message.messageId(), message.validUntil(),
                () -> entry.claim().flatMap(m -> privacy.open(m.handle())).map(s -> s.message().withReceiptRequested()),
                () -> privacy.record(used.record(), EventType.SUBMIT_UNCONFIRMED, null, 0, 0),
                smscId -> privacy.record(used.record(), EventType.SUBMIT_DUPLICATE, smscId, 0, 0));
        // The callback takes what it needs from the entry: each message queued holds it, so it captures no more.
        connector.submit(outbound).whenComplete((smscId, error) -> completed(entry, connector, smscId, error));
    }

    /** The connector is done with the message: it reached the SMSC as {@code smscId}, or failed with {@code error}. */
    private void completed(Waiting entry, Connector connector, String smscId, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof WithdrawnException) {
            if (!entry.isEnded()) {
                send(entry); // by the fallback now
            }
            return;
        }
        InFlight message = entry.message().via(connector.name());
        if (!entry.end()) {
            return; // cancelled or replaced while it waited, and ended then
        }
        waiting.remove(message.messageId(), entry);
        if (error == null) {
            receipts.submitted(message, connector.name(), smscId);
            return;
        }
        // A message that fails before any SMSC receipt tells the customer why in its receipt's err: the SMPP
        // command_status that ended it (Appendix B leaves err: to the issuer; no network code exists here).
        if (cause instanceof SubmitFailedException failed) {
            privacy.record(message.record(), EventType.SUBMIT_FAILED, null, failed.commandStatus(), 0);
            receipts.finish(message, MessageState.UNDELIVERABLE, null, failed.commandStatus(), failed.commandStatus());
        } else if (cause instanceof ValidityExpiredException || cause instanceof ContentGoneException) {
            receipts.finish(message, MessageState.EXPIRED, null, 0, 0);
        } else {
            receipts.finish(message, MessageState.UNDELIVERABLE, null, ESME_RSYSERR, ESME_RSYSERR);
        }
    }
}
