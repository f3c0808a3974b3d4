package dev.ebb.gateway.core;

/** A validity_period that is malformed or already past; maps to ESME_RINVEXPIRY (0x62, SMPP 3.4 §5.1.3). */
public final class InvalidValidityException extends InvalidMessageException {
    public InvalidValidityException(String message) {
        super(message);
    }
}
