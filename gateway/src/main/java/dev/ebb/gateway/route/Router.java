package dev.ebb.gateway.route;

import dev.ebb.gateway.core.MessageState;
import dev.ebb.gateway.privacy.PrivacyInterceptor;
import dev.ebb.metadata.EventType;
import dev.ebb.model.Msisdn;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;

/**
 * Chooses a connector by the prefix table and hands it the message. The router sees no content: it
 * passes the vault handle on, and the content is opened only to give it to the connector that submits it.
 */
public final class Router {
    /** SMPP 3.4 §5.1.3 system error: a message that failed for a reason of Ebb's own. */
    private static final int ESME_RSYSERR = 0x08;

    private final RouteTable table;
    private final Map<String, Connector> connectors;
    private final PrivacyInterceptor privacy;
    private final DispatchResults receipts;

    public Router(RouteTable table, Map<String, ? extends Connector> connectors, PrivacyInterceptor privacy,
                  DispatchResults receipts) {
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
        Connector connector = connectors.get(route);
        return connector != null && connector.isFull();
    }

    /**
     * Ends a message whose content cannot be read (its vault record is damaged): it cannot be sent, so it is
     * UNDELIVERABLE with ESME_RSYSERR, as a message that fails so in a sending thread.
     */
    public void unreadable(InFlight message) {
        receipts.finish(message, MessageState.UNDELIVERABLE, null, ESME_RSYSERR, ESME_RSYSERR);
    }

    /** Submits the message southbound; its end arrives later through the {@link DispatchResults}. */
    public void dispatch(InFlight message) {
        Connector connector = connectors.get(message.route());
        if (connector == null) {
            receipts.finish(message, MessageState.UNDELIVERABLE, null, ESME_RSYSERR, ESME_RSYSERR);
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
        });
    }
}
