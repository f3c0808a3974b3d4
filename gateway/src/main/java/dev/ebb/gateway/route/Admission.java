package dev.ebb.gateway.route;

import dev.ebb.gateway.core.MessageIdGenerator;
import dev.ebb.gateway.core.Msisdn;
import dev.ebb.gateway.core.OutboundMessage;
import dev.ebb.gateway.core.Submission;
import dev.ebb.gateway.privacy.PrivacyInterceptor;
import dev.ebb.gateway.receipt.InFlight;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits a validated message into the gateway, the step every ingress (SMPP, HTTP) shares: a route that covers the
 * destination, room on that route, then each segment through the {@link PrivacyInterceptor} (durable before anyone
 * is told "accepted") and on to the router.
 */
public final class Admission {
    private static final Logger LOG = LoggerFactory.getLogger(Admission.class);

    private final MessageIdGenerator ids;
    private final Router router;
    private final PrivacyInterceptor privacy;

    public Admission(MessageIdGenerator ids, Router router, PrivacyInterceptor privacy) {
        this.ids = ids;
        this.router = router;
        this.privacy = privacy;
    }

    /** What became of a message. */
    public enum Status {
        /** Every segment accepted and on its way. */
        ACCEPTED,
        /** No route covers the destination: it cannot be delivered. */
        NO_ROUTE,
        /** The route's queue is full: the SMSC is slower than the customers, or down. */
        CONGESTED,
        /** A segment could not be made durable; the ones before it were accepted. */
        FAILED
    }

    /**
     * @param status     what happened
     * @param messageIds the ids of the segments accepted, in order
     */
    public record Outcome(Status status, List<String> messageIds) {
        public Outcome {
            messageIds = List.copyOf(messageIds);
        }
    }

    /**
     * Admits the segments of one message to {@code destination}.
     *
     * @param segments each builds its segment given the message id Ebb assigns it
     */
    public Outcome admit(Msisdn destination, Submission.Ingress ingress, Instant now,
                         List<Function<String, OutboundMessage>> segments) {
        Optional<String> route = router.routeFor(destination);
        if (route.isEmpty()) {
            return new Outcome(Status.NO_ROUTE, List.of());
        }
        if (router.isCongested(route.get())) {
            return new Outcome(Status.CONGESTED, List.of());
        }
        List<String> accepted = new ArrayList<>(segments.size());
        for (Function<String, OutboundMessage> segment : segments) {
            String id = ids.next();
            OutboundMessage message = segment.apply(id);
            PrivacyInterceptor.Accepted durable;
            try {
                durable = privacy.accept(new Submission(message, ingress, now), route.get());
            } catch (RuntimeException e) {
                LOG.error("message {} of {} not accepted: {}", id, message.customerId(), e.toString());
                return new Outcome(Status.FAILED, accepted);
            }
            router.dispatch(new InFlight(durable, route.get(), message.source(), message.destination(),
                    message.wantsReceipt()));
            accepted.add(id);
        }
        return new Outcome(Status.ACCEPTED, accepted);
    }
}
