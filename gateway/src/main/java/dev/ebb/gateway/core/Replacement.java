package dev.ebb.gateway.core;

import java.time.Duration;
import java.time.Instant;

/**
 * The new content of a message not yet sent (SMPP 3.4 §4.10.1 replace_sm): a short_message and registered_delivery,
 * and a new validity and schedule if the customer gave them. It carries content: it lives only as long as the call
 * that seals it into the content vault.
 *
 * @param expiry    the new end of validity, or {@code null} to keep the message's
 * @param deliverAt the new scheduled time, or {@code null} to keep the message's
 * @param window    how long after its acceptance a message may still be sent (the content window)
 */
public record Replacement(byte[] shortMessage, byte registeredDelivery, Instant expiry, Instant deliverAt,
                          Duration window) {
    public Replacement {
        shortMessage = shortMessage.clone();
    }

    /**
     * The message with this content. Its other fields stay (data_coding, esm_class, addresses, sar_ parameters), so
     * the new short_message is checked against them as a submit's would be.
     *
     * @throws InvalidConcatenationException when the new text's user data header is malformed or names another
     *                                       concatenation than the segment's (its traffic records say which it is)
     * @param acceptedAt when the message was accepted: a new validity ends inside the content window counted from
     *                   then, as the message's own did, so that replacing it again and again never keeps it (and
     *                   content for it) past that window
     * @throws InvalidValidityException      when the message would expire before it is scheduled
     */
    public OutboundMessage applyTo(OutboundMessage original, Instant acceptedAt) {
        if (!Concatenation.fromShortMessage(original.esmClass(), shortMessage)
                .equals(Concatenation.fromShortMessage(original.esmClass(), original.shortMessage()))) {
            throw new InvalidConcatenationException("the new text must keep the segment's concatenation header");
        }
        Instant end = acceptedAt.plus(window);
        Instant newExpiry = expiry == null ? original.expiry() : expiry.isAfter(end) ? end : expiry;
        OutboundMessage replaced = original.toBuilder().shortMessage(shortMessage).messagePayload(null)
                .registeredDelivery(registeredDelivery).expiry(newExpiry)
                .deliverAt(deliverAt == null ? original.deliverAt() : deliverAt).build();
        if (replaced.deliverAt() != null && replaced.expiry() != null && !replaced.deliverAt().isBefore(replaced.expiry())) {
            throw new InvalidValidityException("the message would expire before its scheduled delivery");
        }
        return replaced;
    }

    /** SMPP 3.4 §5.2.17: bits 0–1 of registered_delivery ask for a delivery receipt. */
    public boolean wantsReceipt() {
        return (registeredDelivery & 0x03) != 0;
    }

    @Override
    public byte[] shortMessage() {
        return shortMessage.clone();
    }

    @Override
    public String toString() {
        // Content: its size only.
        return "Replacement[" + shortMessage.length + " bytes, registered=" + registeredDelivery + ", expiry=" + expiry
                + ", deliverAt=" + deliverAt + "]";
    }
}
