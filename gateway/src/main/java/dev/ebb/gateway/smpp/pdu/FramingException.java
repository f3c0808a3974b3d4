package dev.ebb.gateway.smpp.pdu;

/** The byte stream can no longer be split into PDUs (a command_length out of range): the session must close. */
public final class FramingException extends RuntimeException {
    public FramingException(String message) {
        super(message, null, false, false);
    }
}
