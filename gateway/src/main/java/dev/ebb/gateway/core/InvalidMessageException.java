package dev.ebb.gateway.core;

/**
 * A field of a submitted message that Ebb refuses; each subtype corresponds to one SMPP command_status the ingress
 * answers with (SMPP 3.4 §5.1.3) and to an HTTP 400 problem type.
 *
 * <p>Messages never carry message content and mask MSISDNs (DESIGN.md invariant 1), so they are safe to log and to
 * return to the customer.
 */
public abstract sealed class InvalidMessageException extends RuntimeException
        permits UnsupportedDataCodingException, InvalidContentException,
        InvalidConcatenationException, InvalidValidityException, InvalidRetentionException {

    InvalidMessageException(String message) {
        super(message);
    }
}
