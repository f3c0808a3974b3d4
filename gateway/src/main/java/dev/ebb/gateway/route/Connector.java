package dev.ebb.gateway.route;

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
     *         {@link ValidityExpiredException} or {@link ContentGoneException}
     */
    CompletionStage<String> submit(Outbound message);
}
