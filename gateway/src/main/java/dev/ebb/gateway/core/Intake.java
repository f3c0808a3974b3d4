package dev.ebb.gateway.core;

import dev.ebb.model.Msisdn;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The step every ingress (SMPP, HTTP) hands a validated message to: a route that covers the destination, room on
 * it, then each segment made durable and dispatched ({@code route.Admission} does it). Declared here so that an
 * ingress needs nothing of the stages after it.
 */
public interface Intake {

    /** What became of a message. */
    enum Status {
        /** Every segment accepted and on its way. */
        ACCEPTED,
        /** No route covers the destination: it cannot be delivered. */
        NO_ROUTE,
        /** The route's queue is full: the SMSC is slower than the customers, or down. */
        CONGESTED,
        /** A store is short of disk space or stopped after a failed write: nothing was written; try again later. */
        STORES_FULL,
        /** A segment could not be made durable; none was sent (the ones before it are recorded as rejected). */
        FAILED
    }

    /**
     * @param status     what happened
     * @param messageIds the ids of the segments accepted, in order
     */
    record Outcome(Status status, List<String> messageIds) {
        public Outcome {
            messageIds = List.copyOf(messageIds);
        }
    }

    /**
     * Admits the segments of one message to {@code destination}.
     *
     * @param segments each builds its segment given the message id Ebb assigns it
     * @return completes once the outcome may be told: at once, or for an accepted message once its segments are as
     *         durable as {@code storage.durability} asks (possibly on another thread; what follows must not block)
     */
    CompletionStage<Outcome> admit(Msisdn destination, Submission.Ingress ingress, Instant now, List<Function<String, OutboundMessage>> segments);
}
