package dev.ebb.metadata;

/** A secret key file is readable or writable by accounts other than its owner; the message names the fix. */
public final class UnprotectedKeyFileException extends RuntimeException {
    /** With a one-line message naming the file, its mode and the {@code chmod} that fixes it. */
    public UnprotectedKeyFileException(String message) {
        super(message);
    }
}
