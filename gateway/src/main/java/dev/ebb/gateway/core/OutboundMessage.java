package dev.ebb.gateway.core;

import java.time.Instant;
import java.util.Arrays;

/**
 * Everything needed to submit one segment to an SMSC. It carries content, so it lives only in the
 * {@code ContentVault} (sealed) and, briefly, in the connector that submits it (DESIGN.md invariant 1).
 *
 * @param messagePayload the message_payload TLV (0x0424) or {@code null}
 * @param sar            the sar_ TLVs (0x020C/0x020E/0x020F) or {@code null}
 * @param expiry         after this instant the message is not submitted and ends EXPIRED
 * @param deliverAt      not submitted before this instant (schedule_delivery_time), or {@code null}: at once
 * @param contentRetention how long the vault may keep this content, as the customer asked; {@code null}: until final
 */
public record OutboundMessage(String messageId, String customerId, String serviceType, SmppAddress source,
                              SmppAddress destination, byte esmClass, byte protocolId, byte priority,
                              byte registeredDelivery, byte dataCoding, byte[] shortMessage, byte[] messagePayload,
                              Sar sar, Instant expiry, Instant deliverAt, ContentRetention contentRetention) {
    public OutboundMessage {
        serviceType = serviceType == null ? "" : serviceType;
        contentRetention = contentRetention == null ? ContentRetention.UNTIL_FINAL : contentRetention;
        shortMessage = shortMessage == null ? new byte[0] : shortMessage.clone();
        messagePayload = messagePayload == null ? null : messagePayload.clone();
    }

    /** A message of {@code customerId}; what is not set stays at its SMPP default (0, empty, none). */
    public static Builder builder(String messageId, String customerId) {
        return new Builder(messageId, customerId);
    }

    /** The same message as a builder, to change some of its fields. */
    public Builder toBuilder() {
        return new Builder(messageId, customerId).serviceType(serviceType).source(source).destination(destination)
                .esmClass(esmClass).protocolId(protocolId).priority(priority).registeredDelivery(registeredDelivery)
                .dataCoding(dataCoding).shortMessage(shortMessage).messagePayload(messagePayload).sar(sar)
                .expiry(expiry).deliverAt(deliverAt).contentRetention(contentRetention);
    }

    /** Names each of the sixteen fields where a call would otherwise list them in order. */
    public static final class Builder {
        private final String messageId;
        private final String customerId;
        private String serviceType = "";
        private SmppAddress source;
        private SmppAddress destination;
        private byte esmClass;
        private byte protocolId;
        private byte priority;
        private byte registeredDelivery;
        private byte dataCoding;
        private byte[] shortMessage;
        private byte[] messagePayload;
        private Sar sar;
        private Instant expiry;
        private Instant deliverAt;
        private ContentRetention contentRetention;

        private Builder(String messageId, String customerId) {
            this.messageId = messageId;
            this.customerId = customerId;
        }

        public Builder serviceType(String value) {
            serviceType = value;
            return this;
        }

        public Builder source(SmppAddress value) {
            source = value;
            return this;
        }

        public Builder destination(SmppAddress value) {
            destination = value;
            return this;
        }

        public Builder esmClass(byte value) {
            esmClass = value;
            return this;
        }

        public Builder protocolId(byte value) {
            protocolId = value;
            return this;
        }

        public Builder priority(byte value) {
            priority = value;
            return this;
        }

        public Builder registeredDelivery(byte value) {
            registeredDelivery = value;
            return this;
        }

        public Builder dataCoding(byte value) {
            dataCoding = value;
            return this;
        }

        public Builder shortMessage(byte[] value) {
            shortMessage = value;
            return this;
        }

        /** The message_payload TLV (0x0424), instead of a short_message. */
        public Builder messagePayload(byte[] value) {
            messagePayload = value;
            return this;
        }

        public Builder sar(Sar value) {
            sar = value;
            return this;
        }

        /** After this instant the message is not submitted (null: no limit beyond the vault's). */
        public Builder expiry(Instant value) {
            expiry = value;
            return this;
        }

        /** Held in Ebb until this instant (null: sent at once). */
        public Builder deliverAt(Instant value) {
            deliverAt = value;
            return this;
        }

        /** How long the vault may keep the content (null: until the message is final). */
        public Builder contentRetention(ContentRetention value) {
            contentRetention = value;
            return this;
        }

        public OutboundMessage build() {
            return new OutboundMessage(messageId, customerId, serviceType, source, destination, esmClass, protocolId,
                    priority, registeredDelivery, dataCoding, shortMessage, messagePayload, sar, expiry, deliverAt,
                    contentRetention);
        }
    }

    /** Segment of a concatenated message signalled with sar_ TLVs (SMPP 3.4 §5.3.2.22–24). */
    public record Sar(int reference, int total, int sequence) {
    }

    @Override
    public byte[] shortMessage() {
        return shortMessage.clone();
    }

    @Override
    public byte[] messagePayload() {
        return messagePayload == null ? null : messagePayload.clone();
    }

    /** SMPP 3.4 §5.2.17: bits 0–1 of registered_delivery ask for an SMSC delivery receipt. */
    public boolean wantsReceipt() {
        return (registeredDelivery & 0x03) != 0;
    }

    /**
     * The same message asking the SMSC for a final delivery receipt (SMPP 3.4 §5.2.17 value 1): Ebb always
     * wants to know when a message is final, so its content can go early, whether or not the customer asked.
     */
    public OutboundMessage withReceiptRequested() {
        return toBuilder().registeredDelivery((byte) ((registeredDelivery & ~0x03) | 0x01)).build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OutboundMessage m && messageId.equals(m.messageId) && customerId.equals(m.customerId)
                && serviceType.equals(m.serviceType) && source.equals(m.source) && destination.equals(m.destination)
                && esmClass == m.esmClass && protocolId == m.protocolId && priority == m.priority
                && registeredDelivery == m.registeredDelivery && dataCoding == m.dataCoding
                && Arrays.equals(shortMessage, m.shortMessage) && Arrays.equals(messagePayload, m.messagePayload)
                && java.util.Objects.equals(sar, m.sar) && java.util.Objects.equals(expiry, m.expiry)
                && java.util.Objects.equals(deliverAt, m.deliverAt) && contentRetention.equals(m.contentRetention);
    }

    @Override
    public int hashCode() {
        return messageId.hashCode();
    }

    @Override
    public String toString() {
        // Content and numbers stay out of anything printable.
        return "OutboundMessage[id=" + messageId + ", customer=" + customerId + ", to=" + destination + "]";
    }
}
