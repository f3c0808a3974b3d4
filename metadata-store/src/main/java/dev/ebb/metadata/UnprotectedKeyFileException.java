package dev.ebb.metadata;

/** A secret key file is readable or writable by accounts other than its owner; the message names the fix. */
public final class UnprotectedKeyFileException extends RuntimeException {
    public UnprotectedKeyFileException(String message) {
        super(message);
    }
}
