package dev.ebb.gateway.smpp.pdu;

import dev.ebb.gateway.core.BindType;
import dev.ebb.gateway.core.SmppAddress;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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

    /** Fields submit_sm and deliver_sm share (§4.4.1, §4.6.1), and data_sm's subset of them (§4.7.1). */
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
            // A loop, not a stream: ingress asks this several times per submit.
            for (Tlv t : tlvs()) {
                if (t.tag() == tag) {
                    return Optional.of(t);
                }
            }
            return Optional.empty();
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

    /**
     * data_sm (§4.7.1): a message whose content travels in optional parameters (message_payload, §5.3.2.32), with
     * none of submit_sm's scheduling, validity or short_message fields; as a {@link MessagePdu} those read as their
     * NULL values (§3.1.1), so ingress checks it like a submit_sm.
     */
    record DataSm(int sequenceNumber, String serviceType, SmppAddress source, SmppAddress destination, byte esmClass,
                  byte registeredDelivery, byte dataCoding, List<Tlv> tlvs) implements Request<DataSmResp>, MessagePdu {
        public DataSm {
            Objects.requireNonNull(serviceType, "service_type");
            Objects.requireNonNull(source, "source address");
            Objects.requireNonNull(destination, "destination address");
            tlvs = List.copyOf(tlvs);
        }

        @Override
        public int commandId() {
            return CommandId.DATA_SM;
        }

        @Override
        public byte protocolId() {
            return 0;
        }

        @Override
        public byte priorityFlag() {
            return 0;
        }

        @Override
        public String scheduleDeliveryTime() {
            return "";
        }

        @Override
        public String validityPeriod() {
            return "";
        }

        @Override
        public byte replaceIfPresent() {
            return 0;
        }

        @Override
        public byte smDefaultMsgId() {
            return 0;
        }

        @Override
        public byte[] shortMessage() {
            return new byte[0];
        }

        @Override
        public DataSmResp errorResponse(int status) {
            return new DataSmResp(sequenceNumber, status, "", List.of());
        }

        @Override
        public String toString() {
            return "DataSm[seq=" + sequenceNumber + ", serviceType=" + serviceType + ", from=" + source + ", to="
                    + destination + ", esm=" + esmClass + ", registered=" + registeredDelivery + ", dcs=" + dataCoding
                    + ", tlvs=" + tlvs + "]";
        }
    }

    /** data_sm_resp (§4.7.2): Ebb's message id, then optional parameters (delivery_failure_reason, …). */
    record DataSmResp(int sequenceNumber, int commandStatus, String messageId, List<Tlv> tlvs) implements Response {
        public DataSmResp {
            tlvs = List.copyOf(tlvs);
        }

        @Override
        public int commandId() {
            return CommandId.RESPONSE | CommandId.DATA_SM;
        }
    }

    /**
     * query_sm (§4.8.1): the state of a message the ESME submitted, by the message_id Ebb answered it with.
     *
     * @param source the message's originating address as the ESME gives it (§4.8.1 says it must match the original)
     */
    record QuerySm(int sequenceNumber, String messageId, SmppAddress source) implements Request<QuerySmResp> {
        @Override
        public int commandId() {
            return CommandId.QUERY_SM;
        }

        @Override
        public QuerySmResp errorResponse(int status) {
            return new QuerySmResp(sequenceNumber, status, "", "", (byte) 0, (byte) 0);
        }
    }

    /**
     * query_sm_resp (§4.8.2).
     *
     * @param finalDate    when the message reached its final state, as SMPP absolute time (§7.1.1); empty before
     * @param messageState the §5.2.28 message_state
     * @param errorCode    the network's error code for a failed delivery (§5.2.31), 0 otherwise
     */
    record QuerySmResp(int sequenceNumber, int commandStatus, String messageId, String finalDate, byte messageState,
                       byte errorCode) implements Response {
        @Override
        public int commandId() {
            return CommandId.RESPONSE | CommandId.QUERY_SM;
        }
    }

    /**
     * cancel_sm (§4.9.1): cancels a message not yet delivered, by message_id; with message_id empty, every message
     * from {@code source} to {@code destination} of {@code serviceType}.
     */
    record CancelSm(int sequenceNumber, String serviceType, String messageId, SmppAddress source,
                    SmppAddress destination) implements Request<CancelSmResp> {
        @Override
        public int commandId() {
            return CommandId.CANCEL_SM;
        }

        @Override
        public CancelSmResp errorResponse(int status) {
            return new CancelSmResp(sequenceNumber, status);
        }
    }

    /** cancel_sm_resp (§4.9.2): header only. */
    record CancelSmResp(int sequenceNumber, int commandStatus) implements Response {
        @Override
        public int commandId() {
            return CommandId.RESPONSE | CommandId.CANCEL_SM;
        }
    }

    /**
     * replace_sm (§4.10.1): new content, and optionally a new schedule and validity, for a message not yet delivered.
     *
     * @param scheduleDeliveryTime empty: keep the original's (§4.10.1)
     * @param validityPeriod       empty: keep the original's
     */
    record ReplaceSm(int sequenceNumber, String messageId, SmppAddress source, String scheduleDeliveryTime,
                     String validityPeriod, byte registeredDelivery, byte smDefaultMsgId, byte[] shortMessage)
            implements Request<ReplaceSmResp> {
        public ReplaceSm {
            Objects.requireNonNull(messageId, "message_id");
            Objects.requireNonNull(source, "source address");
            Objects.requireNonNull(scheduleDeliveryTime, "schedule_delivery_time");
            Objects.requireNonNull(validityPeriod, "validity_period");
            shortMessage = MessageFields.shortMessage(shortMessage);
        }

        @Override
        public int commandId() {
            return CommandId.REPLACE_SM;
        }

        @Override
        public byte[] shortMessage() {
            return shortMessage.clone();
        }

        @Override
        public ReplaceSmResp errorResponse(int status) {
            return new ReplaceSmResp(sequenceNumber, status);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ReplaceSm r && r.sequenceNumber == sequenceNumber && r.messageId.equals(messageId)
                    && r.source.equals(source) && r.scheduleDeliveryTime.equals(scheduleDeliveryTime)
                    && r.validityPeriod.equals(validityPeriod) && r.registeredDelivery == registeredDelivery
                    && r.smDefaultMsgId == smDefaultMsgId && Arrays.equals(r.shortMessage, shortMessage);
        }

        @Override
        public int hashCode() {
            return Objects.hash(sequenceNumber, messageId, source, scheduleDeliveryTime, validityPeriod,
                    registeredDelivery, smDefaultMsgId, Arrays.hashCode(shortMessage));
        }

        @Override
        public String toString() {
            // short_message is content: never printed (DESIGN.md invariant 1).
            return "ReplaceSm[seq=" + sequenceNumber + ", messageId=" + messageId + ", from=" + source + ", sched="
                    + scheduleDeliveryTime + ", validity=" + validityPeriod + ", registered=" + registeredDelivery
                    + ", sm=" + shortMessage.length + " bytes]";
        }
    }

    /** replace_sm_resp (§4.10.2): header only. */
    record ReplaceSmResp(int sequenceNumber, int commandStatus) implements Response {
        @Override
        public int commandId() {
            return CommandId.RESPONSE | CommandId.REPLACE_SM;
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
