package dev.ebb.gateway.smpp.pdu;

/** A text that is not a delivery receipt; the message names the missing or bad field, never the text itself. */
public final class InvalidReceiptException extends RuntimeException {
    public InvalidReceiptException(String message) {
        super(message);
    }
}
