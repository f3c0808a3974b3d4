package dev.ebb.gateway.compliance;

/** The audit log cannot be opened or written; no query may run then (DESIGN invariant 5). */
public final class AuditLogException extends RuntimeException {
    /** With the reason. */
    public AuditLogException(String message) {
        super(message);
    }

    /** With the reason and the I/O failure. */
    public AuditLogException(String message, Throwable cause) {
        super(message, cause);
    }
}
