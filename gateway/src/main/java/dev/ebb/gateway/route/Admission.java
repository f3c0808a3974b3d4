package dev.ebb.gateway.route;

import static dev.ebb.gateway.smpp.pdu.CommandStatus.ESME_RSYSERR;

import dev.ebb.gateway.core.Intake;
import dev.ebb.gateway.core.MessageIdGenerator;
import dev.ebb.gateway.core.OutboundMessage;
import dev.ebb.gateway.core.Submission;
import dev.ebb.gateway.privacy.PrivacyInterceptor;
import dev.ebb.metadata.EventType;
import dev.ebb.model.Msisdn;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits a validated message into the gateway, the step every ingress (SMPP, HTTP) shares: a route that covers the
 * destination, room on that route, then each segment through the {@link PrivacyInterceptor} (durable before anyone
 * is told "accepted") and on to the router. In {@code fsync} durability a message reaches the router only once the
 * group commit covers it too: nothing leaves for an SMSC that a power cut could take back from Ebb's records.
 */
public final class Admission implements Intake {
    private static final Logger LOG = LoggerFactory.getLogger(Admission.class);

    private final MessageIdGenerator ids;
    private final Router router;
    private final PrivacyInterceptor privacy;
    private final BooleanSupplier storesAdmit;
    private final ToIntFunction<String> maxScheduled;

    /**
     * @param storesAdmit  false while a store is below its free-space floor or stopped (the storage guard)
     * @param maxScheduled how many scheduled messages a customer may have waiting
     */
    public Admission(MessageIdGenerator ids, Router router, PrivacyInterceptor privacy, BooleanSupplier storesAdmit,
                     ToIntFunction<String> maxScheduled) {
        this.ids = ids;
        this.router = router;
        this.privacy = privacy;
        this.storesAdmit = storesAdmit;
        this.maxScheduled = maxScheduled;
    }

    @Override
    public CompletionStage<Outcome> admit(Msisdn destination, Submission.Ingress ingress, Instant now,
                                          List<Function<String, OutboundMessage>> segments) {
        if (!storesAdmit.getAsBoolean()) {
            return told(Status.STORES_FULL);
        }
        Optional<String> route = router.routeFor(destination);
        if (route.isEmpty()) {
            return told(Status.NO_ROUTE);
        }
        if (router.isCongested(route.get())) {
            return told(Status.CONGESTED);
        }
        // Every segment is made durable before any is dispatched: a message is sent whole or not at all.
        List<InFlight> durable = new ArrayList<>(segments.size());
        List<Instant> deliverAt = new ArrayList<>(segments.size());
        for (Function<String, OutboundMessage> segment : segments) {
            String id = ids.next();
            try {
                OutboundMessage message = segment.apply(id);
                if (durable.isEmpty() && overScheduledShare(message, segments.size())) {
                    return told(Status.CONGESTED);
                }
                durable.add(InFlight.of(privacy.accept(new Submission(message, ingress, now), route.get()), message,
                        ingress.sessionId()));
                deliverAt.add(message.deliverAt());
            } catch (RuntimeException | InternalError e) {
                // InternalError: a fault on a memory-mapped store file (a full disk) the JVM delivered late, after
                // an earlier write of this thread returned; this segment is not acknowledged either way.
                LOG.error("message {} not accepted: {}", id, e.getClass().getName());
                withdraw(durable);
                return told(Status.FAILED);
            }
        }
        return privacy.durable().handle((forced, notForced) -> {
            if (notForced != null) {
                LOG.error("{} segment(s) not accepted, the stores could not be forced: {}", durable.size(),
                        notForced.getClass().getName());
                withdraw(durable);
                return new Outcome(Status.FAILED, List.of());
            }
            List<String> accepted = new ArrayList<>(durable.size());
            for (int i = 0; i < durable.size(); i++) {
                router.dispatch(durable.get(i), deliverAt.get(i));
                accepted.add(durable.get(i).messageId());
            }
            return new Outcome(Status.ACCEPTED, accepted);
        });
    }

    private static CompletionStage<Outcome> told(Status status) {
        return CompletableFuture.completedFuture(new Outcome(status, List.of()));
    }

    /**
     * A scheduled message waits in its route's queue: past the customer's own share of them it gets ESME_RMSGQFUL
     * alone, instead of filling the queue for every customer until its time comes.
     */
    private boolean overScheduledShare(OutboundMessage first, int segments) {
        return first.deliverAt() != null
                && router.scheduledOf(first.customerId()) + segments > maxScheduled.applyAsInt(first.customerId());
    }

    /**
     * Ends the segments made durable before one failed: rejected, content stripped, never dispatched. The failure is
     * likely a full disk, so each step may fail too; the others are still tried (a segment left with its ACCEPTED
     * record and its content is re-queued after a restart, like any message acknowledged and not yet delivered).
     */
    private void withdraw(List<InFlight> durable) {
        for (InFlight message : durable) {
            try {
                privacy.record(message.record(), EventType.REJECTED, null, ESME_RSYSERR, 0);
                privacy.finished(message.handle(), false);
            } catch (RuntimeException e) {
                LOG.error("segment {} of a failed message could not be withdrawn: {}", message.messageId(),
                        e.getClass().getName());
            }
        }
    }
}
