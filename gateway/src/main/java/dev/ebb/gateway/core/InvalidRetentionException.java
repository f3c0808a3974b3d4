package dev.ebb.gateway.core;

/**
 * A content retention Ebb cannot grant (unknown, zero or less, over 72 h); over SMPP ESME_RINVOPTPARAMVAL, or
 * ESME_RINVPARLEN when the optional parameter's length is wrong (SMPP 3.4 §5.1.3).
 */
public final class InvalidRetentionException extends InvalidMessageException {
    private final boolean length;

    InvalidRetentionException(String message) {
        this(message, false);
    }

    InvalidRetentionException(String message, boolean length) {
        super(message);
        this.length = length;
    }

    /** The optional parameter's length was wrong, not its value. */
    public boolean length() {
        return length;
    }
}
