package dev.ebb.gateway.smpp.pdu;

import dev.ebb.gateway.core.SmppAddress;
import java.util.Arrays;
import java.util.Objects;

/** What submit_sm, deliver_sm (and replace_sm's short_message) share as values: construction checks, equality, hash. */
final class MessageFields {
    private MessageFields() {
    }

    /**
     * The fields a record cannot hold otherwise: all present, and short_message within its one-octet sm_length
     * (§5.2.21: 0..254; a longer text goes as message_payload). Returns a copy of {@code shortMessage}.
     */
    static byte[] checked(String serviceType, SmppAddress source, SmppAddress destination,
                          String scheduleDeliveryTime, String validityPeriod, byte[] shortMessage) {
        Objects.requireNonNull(serviceType, "service_type");
        Objects.requireNonNull(source, "source address");
        Objects.requireNonNull(destination, "destination address");
        Objects.requireNonNull(scheduleDeliveryTime, "schedule_delivery_time");
        Objects.requireNonNull(validityPeriod, "validity_period");
        return shortMessage(shortMessage);
    }

    /** A copy of {@code shortMessage}, refused over its one-octet sm_length (§5.2.21: 0..254). */
    static byte[] shortMessage(byte[] shortMessage) {
        if (shortMessage.length > PduCodec.MAX_SHORT_MESSAGE) {
            throw new IllegalArgumentException("short_message of " + shortMessage.length + " octets over "
                    + PduCodec.MAX_SHORT_MESSAGE + " (use message_payload)");
        }
        return shortMessage.clone();
    }

    /** Equality of submit_sm or deliver_sm from every field; short_message by its bytes. */
    static boolean sameFields(Pdu.MessagePdu a, Pdu.MessagePdu b) {
        return a.sequenceNumber() == b.sequenceNumber() && a.serviceType().equals(b.serviceType())
                && a.source().equals(b.source()) && a.destination().equals(b.destination())
                && a.esmClass() == b.esmClass() && a.protocolId() == b.protocolId()
                && a.priorityFlag() == b.priorityFlag() && a.scheduleDeliveryTime().equals(b.scheduleDeliveryTime())
                && a.validityPeriod().equals(b.validityPeriod()) && a.registeredDelivery() == b.registeredDelivery()
                && a.replaceIfPresent() == b.replaceIfPresent() && a.dataCoding() == b.dataCoding()
                && a.smDefaultMsgId() == b.smDefaultMsgId() && Arrays.equals(a.shortMessage(), b.shortMessage())
                && a.tlvs().equals(b.tlvs());
    }

    static int hashOf(Pdu.MessagePdu m) {
        return Objects.hash(m.sequenceNumber(), m.serviceType(), m.source(), m.destination(), m.esmClass(),
                m.protocolId(), m.priorityFlag(), m.scheduleDeliveryTime(), m.validityPeriod(),
                m.registeredDelivery(), m.replaceIfPresent(), m.dataCoding(), m.smDefaultMsgId(),
                Arrays.hashCode(m.shortMessage()), m.tlvs());
    }
}
