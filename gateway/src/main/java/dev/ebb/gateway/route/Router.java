package dev.ebb.gateway.route;

import dev.ebb.gateway.core.MessageState;
import dev.ebb.gateway.core.Msisdn;
import dev.ebb.gateway.privacy.PrivacyInterceptor;
import dev.ebb.gateway.receipt.InFlight;
import dev.ebb.gateway.receipt.ReceiptHandler;
import dev.ebb.gateway.southbound.ContentGoneException;
import dev.ebb.gateway.southbound.Outbound;
import dev.ebb.gateway.southbound.SmscConnector;
import dev.ebb.gateway.southbound.SubmitFailedException;
import dev.ebb.gateway.southbound.ValidityExpiredException;
import dev.ebb.metadata.EventType;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;

/**
 * Chooses a connector by the prefix table and hands it the message. The router sees no content: it
 * passes the vault handle on, and the content is opened only to give it to the connector that submits it.
 */
public final class Router {
    private final RouteTable table;
    private final Map<String, SmscConnector> connectors;
    private final PrivacyInterceptor privacy;
    private final ReceiptHandler receipts;

    public Router(RouteTable table, Map<String, SmscConnector> connectors, PrivacyInterceptor privacy, ReceiptHandler receipts) {
        this.table = table;
        this.connectors = Map.copyOf(connectors);
        this.privacy = privacy;
        this.receipts = receipts;
    }

    /** The connector for a destination; empty when no prefix matches (refused at submit time). */
    public Optional<String> routeFor(Msisdn destination) {
        return table.connectorFor(destination);
    }

    /** The route's connector cannot take more messages now (SMPP 3.4 §5.1.3 ESME_RMSGQFUL for the customer). */
    public boolean isCongested(String route) {
        SmscConnector connector = connectors.get(route);
        return connector != null && connector.isFull();
    }

    /** Submits the message southbound; its end arrives later through the {@link ReceiptHandler}. */
    public void dispatch(InFlight message) {
        SmscConnector connector = connectors.get(message.route());
        if (connector == null) {
            receipts.finish(message, MessageState.UNDELIVERABLE, null, 0x08, 0);
            return;
        }
        // The content is opened by the connector's sending thread, only when it submits (DESIGN.md: the
        // router never sees content bytes).
        Outbound outbound = new Outbound(message.messageId(), message.record().validUntil(),
                () -> privacy.open(message.handle()).map(s -> s.message().withReceiptRequested()));
        connector.submit(outbound).whenComplete((smscId, error) -> {
            if (error == null) {
                receipts.submitted(message, connector.name(), smscId);
                return;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof SubmitFailedException refused) {
                privacy.record(message.record(), EventType.SUBMIT_FAILED, null, refused.commandStatus(), 0);
                receipts.finish(message, MessageState.UNDELIVERABLE, null, refused.commandStatus(), 0);
            } else if (cause instanceof ValidityExpiredException || cause instanceof ContentGoneException) {
                receipts.finish(message, MessageState.EXPIRED, null, 0, 0);
            } else {
                receipts.finish(message, MessageState.UNDELIVERABLE, null, 0x08, 0);
            }
        });
    }
}
