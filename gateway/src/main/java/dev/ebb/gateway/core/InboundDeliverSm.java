package dev.ebb.gateway.core;


/**
 * A deliver_sm received from an SMSC: a delivery receipt or a mobile-originated message.
 *
 * @param receiptedMessageId the receipted_message_id TLV (0x001E) or {@code null}
 * @param messageState       the message_state TLV (0x0427) or -1
 */
public record InboundDeliverSm(String connector, SmppAddress source, SmppAddress destination, byte esmClass,
                               byte dataCoding, byte[] shortMessage, String receiptedMessageId, int messageState) {
    public InboundDeliverSm {
        shortMessage = shortMessage == null ? new byte[0] : shortMessage.clone();
    }

    /** SMPP 3.4 §5.2.12: esm_class bits 2–5 = 0001 marks an SMSC delivery receipt. */
    public boolean isReceipt() {
        return (esmClass & 0x3C) == 0x04;
    }

    /**
     * SMPP 3.4 §5.2.12: esm_class bits 2–5 = 0000 is a message from a handset; the other types (SME or user
     * acknowledgements, intermediate notifications) are neither that nor a final receipt.
     */
    public boolean isMobileOriginated() {
        return (esmClass & 0x3C) == 0;
    }

    @Override
    public byte[] shortMessage() {
        return shortMessage.clone();
    }

    @Override
    public String toString() {
        return "InboundDeliverSm[connector=" + connector + ", from=" + source + ", to=" + destination
                + ", receipt=" + isReceipt() + "]";
    }
}
