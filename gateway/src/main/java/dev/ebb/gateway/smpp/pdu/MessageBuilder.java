package dev.ebb.gateway.smpp.pdu;

import dev.ebb.gateway.core.SmppAddress;
import java.util.List;
import java.util.function.Function;

/**
 * Builds a submit_sm or deliver_sm by field name instead of fifteen positional arguments (§4.4.1, §4.6.1).
 * Every field starts at the value §4.4.1 calls NULL or default (empty strings, zero octets, no TLVs); source
 * and destination have no default. The record validates itself when {@link #build()} calls its constructor.
 *
 * <pre>{@code
 * Pdu.SubmitSm submit = Pdu.SubmitSm.builder().sequenceNumber(7).source(from).destination(to)
 *         .registeredDelivery(1).shortMessage(bytes).build();
 * }</pre>
 */
public final class MessageBuilder<P extends Pdu.MessagePdu> {
    private final Function<MessageBuilder<P>, P> constructor;
    int sequenceNumber;
    String serviceType = "";
    SmppAddress source;
    SmppAddress destination;
    byte esmClass;
    byte protocolId;
    byte priorityFlag;
    String scheduleDeliveryTime = "";
    String validityPeriod = "";
    byte registeredDelivery;
    byte replaceIfPresent;
    byte dataCoding;
    byte smDefaultMsgId;
    byte[] shortMessage = new byte[0];
    List<Tlv> tlvs = List.of();

    MessageBuilder(Function<MessageBuilder<P>, P> constructor) {
        this.constructor = constructor;
    }

    /** A builder holding every field of {@code pdu}, to build a variant of it. */
    static <P extends Pdu.MessagePdu> MessageBuilder<P> of(Pdu.MessagePdu pdu, Function<MessageBuilder<P>, P> constructor) {
        MessageBuilder<P> b = new MessageBuilder<>(constructor);
        b.sequenceNumber = pdu.sequenceNumber();
        b.serviceType = pdu.serviceType();
        b.source = pdu.source();
        b.destination = pdu.destination();
        b.esmClass = pdu.esmClass();
        b.protocolId = pdu.protocolId();
        b.priorityFlag = pdu.priorityFlag();
        b.scheduleDeliveryTime = pdu.scheduleDeliveryTime();
        b.validityPeriod = pdu.validityPeriod();
        b.registeredDelivery = pdu.registeredDelivery();
        b.replaceIfPresent = pdu.replaceIfPresent();
        b.dataCoding = pdu.dataCoding();
        b.smDefaultMsgId = pdu.smDefaultMsgId();
        b.shortMessage = pdu.shortMessage();
        b.tlvs = pdu.tlvs();
        return b;
    }

    public MessageBuilder<P> sequenceNumber(int sequenceNumber) {
        this.sequenceNumber = sequenceNumber;
        return this;
    }

    public MessageBuilder<P> serviceType(String serviceType) {
        this.serviceType = serviceType;
        return this;
    }

    public MessageBuilder<P> source(SmppAddress source) {
        this.source = source;
        return this;
    }

    public MessageBuilder<P> destination(SmppAddress destination) {
        this.destination = destination;
        return this;
    }

    public MessageBuilder<P> esmClass(int esmClass) {
        this.esmClass = octet(esmClass, "esm_class");
        return this;
    }

    public MessageBuilder<P> protocolId(int protocolId) {
        this.protocolId = octet(protocolId, "protocol_id");
        return this;
    }

    public MessageBuilder<P> priorityFlag(int priorityFlag) {
        this.priorityFlag = octet(priorityFlag, "priority_flag");
        return this;
    }

    public MessageBuilder<P> scheduleDeliveryTime(String scheduleDeliveryTime) {
        this.scheduleDeliveryTime = scheduleDeliveryTime;
        return this;
    }

    public MessageBuilder<P> validityPeriod(String validityPeriod) {
        this.validityPeriod = validityPeriod;
        return this;
    }

    public MessageBuilder<P> registeredDelivery(int registeredDelivery) {
        this.registeredDelivery = octet(registeredDelivery, "registered_delivery");
        return this;
    }

    public MessageBuilder<P> replaceIfPresent(int replaceIfPresent) {
        this.replaceIfPresent = octet(replaceIfPresent, "replace_if_present_flag");
        return this;
    }

    public MessageBuilder<P> dataCoding(int dataCoding) {
        this.dataCoding = octet(dataCoding, "data_coding");
        return this;
    }

    public MessageBuilder<P> smDefaultMsgId(int smDefaultMsgId) {
        this.smDefaultMsgId = octet(smDefaultMsgId, "sm_default_msg_id");
        return this;
    }

    public MessageBuilder<P> shortMessage(byte[] shortMessage) {
        this.shortMessage = shortMessage;
        return this;
    }

    public MessageBuilder<P> tlvs(List<Tlv> tlvs) {
        this.tlvs = tlvs;
        return this;
    }

    public P build() {
        return constructor.apply(this);
    }

    /**
     * An Integer(1) field (§3.1) from an int, so that call sites need no casts: 0..255, or the negative value a
     * {@code byte} getter returns for 0x80..0xFF. Anything else would be silently cut, so it is refused.
     */
    private static byte octet(int value, String field) {
        if (value < Byte.MIN_VALUE || value > 0xFF) {
            throw new IllegalArgumentException(field + " " + value + " is not one octet");
        }
        return (byte) value;
    }
}
