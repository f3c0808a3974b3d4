package dev.ebb.gateway.route;

import java.time.Instant;
import java.util.concurrent.CompletionStage;

/**
 * What the router needs of an SMSC connector ({@code southbound.SmscConnector} is one). Declared here so that
 * routing needs nothing of the stages after it.
 */
public interface Connector {
    String name();

    /**
     * More messages wait than the connector may hold, counting {@code scheduled} ones that wait in the router until
     * their time: ingress should refuse new ones for this route.
     */
    boolean isFull(int scheduled);

    /**
     * Queues a message for the SMSC.
     *
     * @return completes with the SMSC's message id, or fails with {@link SubmitFailedException},
     *         {@link ValidityExpiredException}, {@link ContentGoneException} or {@link WithdrawnException}
     */
    CompletionStage<String> submit(Outbound message);

    /**
     * Since when (by the gateway's clock) the connector has had no bind; null while one is up. Learnt when asked:
     * the router asks on every dispatch and on its failover schedule.
     */
    Instant unboundSince();

    /**
     * Gives every message still queued back unsent: each fails with {@link WithdrawnException}, for the router to send
     * it by another connector. Submits in flight are not touched.
     *
     * @return how many were withdrawn
     */
    int withdrawQueued();
}
