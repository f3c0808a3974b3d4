package dev.ebb.metadata;

/**
 * The store cannot be used as it is on disk: an I/O failure, a data directory written by an incompatible version, or
 * a broken signed chain found at open. The message says what was found.
 */
public class MetadataStoreException extends RuntimeException {
    /** With a message saying what was found. */
    public MetadataStoreException(String message) {
        super(message);
    }

    /** With a message and the underlying cause. */
    public MetadataStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
