package dev.ebb.gateway.route;

import dev.ebb.gateway.core.OutboundMessage;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A message queued for an SMSC. It holds no content: the sending thread opens the content vault through
 * {@code content} at the moment it submits, so a message waiting out an SMSC outage keeps only a handle.
 *
 * @param expiry      after this the message is not submitted (null: no limit beyond the vault's)
 * @param content     the sealed message, or empty once the vault no longer has it (expired, erased)
 * @param unconfirmed told, before the message is sent again, that a submit_sm of it was sent and never answered
 *                    (response timeout, connection lost): the SMSC may have it twice, and a record must say so
 * @param duplicated  told the SMSC's id when a submit_sm given up as unanswered is answered ESME_ROK after all, late:
 *                    the SMSC has (at least) two copies, and a record must say so with the second copy's id
 */
public record Outbound(String messageId, Instant expiry, Supplier<Optional<OutboundMessage>> content,
                       Runnable unconfirmed, Consumer<String> duplicated) {

    /** A message whose late answers nobody records. */
    public Outbound(String messageId, Instant expiry, Supplier<Optional<OutboundMessage>> content, Runnable unconfirmed) {
        this(messageId, expiry, content, unconfirmed, smscId -> { });
    }

    /** A message whose unanswered submits nobody records (tests, tools). */
    public Outbound(String messageId, Instant expiry, Supplier<Optional<OutboundMessage>> content) {
        this(messageId, expiry, content, () -> { });
    }

    /** For callers that already hold the message (tests, tools). */
    public static Outbound of(OutboundMessage message) {
        return new Outbound(message.messageId(), message.expiry(), () -> Optional.of(message));
    }
}
