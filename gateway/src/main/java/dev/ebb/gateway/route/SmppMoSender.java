package dev.ebb.gateway.route;

import dev.ebb.gateway.core.InboundDeliverSm;
import dev.ebb.gateway.smpp.CustomerSessions;
import dev.ebb.gateway.smpp.pdu.Pdu;
import dev.ebb.gateway.smpp.pdu.Tlv;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Hands a mobile-originated message to one of the customer's receivers as deliver_sm, as the SMSC gave it: the
 * handset as source, the customer's number as destination, the same esm_class (a user data header stays flagged),
 * data_coding and text (as message_payload when it is longer than a short_message can hold). Other optional
 * parameters of the SMSC's deliver_sm (sar_, its message_payload framing) are not passed on.
 */
public final class SmppMoSender implements MoRouter.CustomerLink {
    private static final int MAX_SHORT_MESSAGE = 254;
    private final CustomerSessions sessions;

    public SmppMoSender(CustomerSessions sessions) {
        this.sessions = sessions;
    }

    @Override
    public boolean hasReceiver(String customerId) {
        return sessions.hasReceiver(customerId);
    }

    @Override
    public CompletionStage<Integer> deliver(String customerId, MoRouter.Addressed addressed) {
        InboundDeliverSm mo = addressed.deliverSm();
        byte[] text = mo.shortMessage();
        // short_message holds at most 254 octets (SMPP 3.4 §5.2.21); a longer message goes as message_payload.
        boolean payload = text.length > MAX_SHORT_MESSAGE;
        return sessions.deliver(customerId, Pdu.DeliverSm.builder().source(mo.source()).destination(mo.destination())
                .esmClass(mo.esmClass()).dataCoding(mo.dataCoding()).shortMessage(payload ? new byte[0] : text)
                .tlvs(payload ? List.of(new Tlv(Tlv.MESSAGE_PAYLOAD, text)) : List.of())
                .build());
    }
}
