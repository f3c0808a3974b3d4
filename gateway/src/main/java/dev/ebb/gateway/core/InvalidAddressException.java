package dev.ebb.gateway.core;

/** An address that is no valid E.164 number, short code or alphanumeric originator; maps to ESME_RINVDSTADR (0x0B) or ESME_RINVSRCADR (0x0A). */
public final class InvalidAddressException extends InvalidMessageException {
    public InvalidAddressException(String message) {
        super(message);
    }
}
