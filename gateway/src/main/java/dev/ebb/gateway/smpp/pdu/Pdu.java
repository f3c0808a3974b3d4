package dev.ebb.gateway.smpp.pdu;

import dev.ebb.gateway.core.BindType;
import dev.ebb.gateway.core.SmppAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every SMPP 3.4 PDU Ebb speaks, one record per command (§4). Only {@link PduCodec} turns them into bytes
 * and back; handlers work on these values.
 */
public sealed interface Pdu {
    int commandId();

    int sequenceNumber();

    /** A PDU answered by a response of type {@code R}. */
    sealed interface Request<R extends Response> extends Pdu {
        /** The response to this request carrying {@code status} and no body (error responses, §3.3). */
        R errorResponse(int status);
    }

    /** A response: it carries a command_status (§5.1.3). */
    sealed interface Response extends Pdu {
        int commandStatus();
    }

    /** Fields submit_sm and deliver_sm share (§4.4.1, §4.6.1). */
    sealed interface MessagePdu extends Pdu {
        String serviceType();

        SmppAddress source();

        SmppAddress destination();

        byte esmClass();

        byte protocolId();

        byte priorityFlag();

        String scheduleDeliveryTime();

        String validityPeriod();

        byte registeredDelivery();

        byte replaceIfPresent();

        byte dataCoding();

        byte smDefaultMsgId();

        byte[] shortMessage();

        List<Tlv> tlvs();

        default Optional<Tlv> tlv(short tag) {
            return tlvs().stream().filter(t -> t.tag() == tag).findFirst();
        }

        /** TLVs by tag, the shape {@code core.Concatenation} reads sar_ parameters from. */
        default Map<Short, byte[]> tlvMap() {
            Map<Short, byte[]> map = new HashMap<>();
            tlvs().forEach(t -> map.put(t.tag(), t.value()));
            return map;
        }
    }

    /** bind_transmitter, bind_receiver or bind_transceiver (§4.1). */
    record Bind(BindType type, int sequenceNumber, String systemId, String password, String systemType,
                byte interfaceVersion, byte addrTon, byte addrNpi, String addressRange) implements Request<BindResp> {
        @Override
        public int commandId() {
            return commandIdOf(type);
        }

        static int commandIdOf(BindType type) {
            return switch (type) {
                case TRANSMITTER -> CommandId.BIND_TRANSMITTER;
                case RECEIVER -> CommandId.BIND_RECEIVER;
                case TRANSCEIVER -> CommandId.BIND_TRANSCEIVER;
            };
        }

        @Override
        public BindResp errorResponse(int status) {
            return new BindResp(type, sequenceNumber, status, "", (byte) 0);
        }

        @Override
        public String toString() {
            return "Bind[" + type + ", seq=" + sequenceNumber + ", systemId=" + systemId + "]";
        }
    }

    /** @param scInterfaceVersion the sc_interface_version TLV (§5.3.2.25), 0 for none */
    record BindResp(BindType type, int sequenceNumber, int commandStatus, String systemId, byte scInterfaceVersion)
            implements Response {
        @Override
        public int commandId() {
            return CommandId.RESPONSE | Bind.commandIdOf(type);
        }
    }

    record SubmitSm(int sequenceNumber, String serviceType, SmppAddress source, SmppAddress destination, byte esmClass,
                    byte protocolId, byte priorityFlag, String scheduleDeliveryTime, String validityPeriod,
                    byte registeredDelivery, byte replaceIfPresent, byte dataCoding, byte smDefaultMsgId,
                    byte[] shortMessage, List<Tlv> tlvs) implements Request<SubmitSmResp>, MessagePdu {
        public SubmitSm {
            shortMessage = MessageFields.checked(serviceType, source, destination, scheduleDeliveryTime, validityPeriod,
                    shortMessage);
            tlvs = List.copyOf(tlvs);
        }

        /** A builder with every field at its §4.4.1 default; source and destination must be set. */
        public static MessageBuilder<SubmitSm> builder() {
            return new MessageBuilder<>(SubmitSm::new);
        }

        public MessageBuilder<SubmitSm> toBuilder() {
            return MessageBuilder.of(this, SubmitSm::new);
        }

        private SubmitSm(MessageBuilder<SubmitSm> b) {
            this(b.sequenceNumber, b.serviceType, b.source, b.destination, b.esmClass, b.protocolId, b.priorityFlag,
                    b.scheduleDeliveryTime, b.validityPeriod, b.registeredDelivery, b.replaceIfPresent, b.dataCoding,
                    b.smDefaultMsgId, b.shortMessage, b.tlvs);
        }

        @Override
        public int commandId() {
            return CommandId.SUBMIT_SM;
        }

        @Override
        public byte[] shortMessage() {
            return shortMessage.clone();
        }

        @Override
        public SubmitSmResp errorResponse(int status) {
            return new SubmitSmResp(sequenceNumber, status, "");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SubmitSm s && MessageFields.sameFields(this, s);
        }

        @Override
        public int hashCode() {
            return MessageFields.hashOf(this);
        }

        @Override
        public String toString() {
            // short_message is content: never printed (DESIGN.md invariant 1).
            return "SubmitSm[seq=" + sequenceNumber + ", serviceType=" + serviceType + ", from=" + source + ", to="
                    + destination + ", esm=" + esmClass + ", pid=" + protocolId + ", prio=" + priorityFlag + ", sched="
                    + scheduleDeliveryTime + ", validity=" + validityPeriod + ", registered=" + registeredDelivery
                    + ", replace=" + replaceIfPresent + ", dcs=" + dataCoding + ", defaultMsg=" + smDefaultMsgId
                    + ", sm=" + shortMessage.length + " bytes, tlvs=" + tlvs + "]";
        }
    }

    record SubmitSmResp(int sequenceNumber, int commandStatus, String messageId) implements Response {
        @Override
        public int commandId() {
            return CommandId.RESPONSE | CommandId.SUBMIT_SM;
        }
    }

    record DeliverSm(int sequenceNumber, String serviceType, SmppAddress source, SmppAddress destination, byte esmClass,
                     byte protocolId, byte priorityFlag, String scheduleDeliveryTime, String validityPeriod,
                     byte registeredDelivery, byte replaceIfPresent, byte dataCoding, byte smDefaultMsgId,
                     byte[] shortMessage, List<Tlv> tlvs) implements Request<DeliverSmResp>, MessagePdu {
        public DeliverSm {
            shortMessage = MessageFields.checked(serviceType, source, destination, scheduleDeliveryTime, validityPeriod,
                    shortMessage);
            tlvs = List.copyOf(tlvs);
        }

        /**
         * A builder with every field at its default, which is what §4.6.1 leaves NULL for a delivery receipt or an
         * MO message; source and destination must be set.
         */
        public static MessageBuilder<DeliverSm> builder() {
            return new MessageBuilder<>(DeliverSm::new);
        }

        public MessageBuilder<DeliverSm> toBuilder() {
            return MessageBuilder.of(this, DeliverSm::new);
        }

        private DeliverSm(MessageBuilder<DeliverSm> b) {
            this(b.sequenceNumber, b.serviceType, b.source, b.destination, b.esmClass, b.protocolId, b.priorityFlag,
                    b.scheduleDeliveryTime, b.validityPeriod, b.registeredDelivery, b.replaceIfPresent, b.dataCoding,
                    b.smDefaultMsgId, b.shortMessage, b.tlvs);
        }

        /** The same PDU with another sequence number: the sender assigns it when it writes. */
        public DeliverSm withSequenceNumber(int sequence) {
            return toBuilder().sequenceNumber(sequence).build();
        }

        @Override
        public int commandId() {
            return CommandId.DELIVER_SM;
        }

        @Override
        public byte[] shortMessage() {
            return shortMessage.clone();
        }

        @Override
        public DeliverSmResp errorResponse(int status) {
            return new DeliverSmResp(sequenceNumber, status);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof DeliverSm d && MessageFields.sameFields(this, d);
        }

        @Override
        public int hashCode() {
            return MessageFields.hashOf(this);
        }

        @Override
        public String toString() {
            return "DeliverSm[seq=" + sequenceNumber + ", from=" + source + ", to=" + destination + ", esm=" + esmClass
                    + ", dcs=" + dataCoding + ", sm=" + shortMessage.length + " bytes, tlvs=" + tlvs + "]";
        }
    }

    record DeliverSmResp(int sequenceNumber, int commandStatus) implements Response {
        @Override
        public int commandId() {
            return CommandId.RESPONSE | CommandId.DELIVER_SM;
        }
    }

    record EnquireLink(int sequenceNumber) implements Request<EnquireLinkResp> {
        @Override
        public int commandId() {
            return CommandId.ENQUIRE_LINK;
        }

        @Override
        public EnquireLinkResp errorResponse(int status) {
            return new EnquireLinkResp(sequenceNumber, status);
        }
    }

    record EnquireLinkResp(int sequenceNumber, int commandStatus) implements Response {
        @Override
        public int commandId() {
            return CommandId.RESPONSE | CommandId.ENQUIRE_LINK;
        }
    }

    record Unbind(int sequenceNumber) implements Request<UnbindResp> {
        @Override
        public int commandId() {
            return CommandId.UNBIND;
        }

        @Override
        public UnbindResp errorResponse(int status) {
            return new UnbindResp(sequenceNumber, status);
        }
    }

    record UnbindResp(int sequenceNumber, int commandStatus) implements Response {
        @Override
        public int commandId() {
            return CommandId.RESPONSE | CommandId.UNBIND;
        }
    }

    /** The answer to a PDU that cannot be answered with its own response (§4.3). */
    record GenericNack(int sequenceNumber, int commandStatus) implements Response {
        @Override
        public int commandId() {
            return CommandId.GENERIC_NACK;
        }
    }
}
