package dev.ebb.gateway.southbound.simulator;

import dev.ebb.gateway.core.MessageState;
import dev.ebb.gateway.core.SmppAddress;
import dev.ebb.gateway.smpp.pdu.DeliveryReceipt;
import dev.ebb.gateway.smpp.pdu.Pdu;
import dev.ebb.gateway.smpp.pdu.Tlv;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * A delivery receipt the simulator owes for one submit_sm, decided when the submit arrived and sent once the
 * receipt delay has passed.
 *
 * @param handset the submit's destination: the receipt comes from it
 * @param esme    the submit's source: the receipt goes to it
 */
record PendingReceipt(String messageId, SmppAddress handset, SmppAddress esme, Instant submitDate, MessageState state) {
    /** SMPP 3.4 §5.2.12: esm_class bits 2–5 = 0001, "SMSC Delivery Receipt". */
    private static final byte ESM_CLASS_RECEIPT = 0x04;
    private static final byte DEFAULT_ALPHABET = 0x00;
    /** The err: value of an UNDELIV receipt; Appendix B leaves the codes to the SMSC. */
    private static final int UNDELIVERABLE_ERROR = 1;

    /** The receipt as a deliver_sm (SMPP 3.4 §4.6.1, text as in Appendix B). */
    Pdu.DeliverSm toDeliverSm(int sequenceNumber, Instant doneDate) {
        boolean delivered = state == MessageState.DELIVERED;
        String text = new DeliveryReceipt(messageId, 1, delivered ? 1 : 0, submitDate, doneDate, state,
                delivered ? 0 : UNDELIVERABLE_ERROR).format();
        return Pdu.DeliverSm.builder().sequenceNumber(sequenceNumber).source(handset).destination(esme)
                .esmClass(ESM_CLASS_RECEIPT).dataCoding(DEFAULT_ALPHABET).shortMessage(text.getBytes(StandardCharsets.US_ASCII))
                .tlvs(List.of(new Tlv(Tlv.RECEIPTED_MESSAGE_ID, cOctetString(messageId)),
                        new Tlv(Tlv.MESSAGE_STATE, new byte[] {(byte) state.code()})))
                .build();
    }

    /** receipted_message_id is a C-Octet String (§5.3.2.12): the id's octets and a terminating NUL. */
    private static byte[] cOctetString(String value) {
        byte[] bytes = new byte[value.length() + 1];
        for (int i = 0; i < value.length(); i++) {
            bytes[i] = (byte) value.charAt(i);
        }
        return bytes;
    }
}
