package dev.ebb.gateway.route;

/** The vault no longer holds the message's content (its 72 h ran out, or the customer's content was erased). */
public final class ContentGoneException extends RuntimeException {
    public ContentGoneException(String messageId) {
        super("content of message " + messageId + " is no longer in the vault", null, false, false);
    }
}
