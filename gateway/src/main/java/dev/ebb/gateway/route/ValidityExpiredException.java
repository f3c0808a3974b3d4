package dev.ebb.gateway.route;

/** The message's validity ran out while it waited for the SMSC; it ends EXPIRED. */
public final class ValidityExpiredException extends RuntimeException {
    public ValidityExpiredException(String messageId) {
        super("message " + messageId + " expired before the SMSC accepted it");
    }
}
