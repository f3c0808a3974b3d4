package dev.ebb.gateway.smpp;

import dev.ebb.gateway.route.MoRouter;
import dev.ebb.gateway.southbound.InboundDeliverSm;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Hands a mobile-originated message to one of the customer's receivers as deliver_sm, as the SMSC gave it: the
 * handset as source, the customer's number as destination, the same esm_class (a user data header stays flagged),
 * data_coding and short message.
 */
public final class SmppMoSender implements MoRouter.CustomerLink {
    private final CustomerSessions sessions;

    public SmppMoSender(CustomerSessions sessions) {
        this.sessions = sessions;
    }

    @Override
    public boolean hasReceiver(String customerId) {
        return sessions.hasReceiver(customerId);
    }

    @Override
    public CompletionStage<Integer> deliver(String customerId, InboundDeliverSm mo) {
        return sessions.deliver(customerId, Pdu.DeliverSm.of(0, mo.source(), mo.destination(), mo.esmClass(),
                mo.dataCoding(), mo.shortMessage(), List.of()));
    }
}
