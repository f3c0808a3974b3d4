package dev.ebb.gateway.compliance;

/**
 * A compliance request that was not carried out, and why. It has been audited before it is thrown. Its message
 * never holds a full number.
 */
public final class ComplianceRefusal extends RuntimeException {
    /** Why, mapped by the HTTP layer to a status (RFC 9110 §15). */
    public enum Kind {
        /** No valid token: 401. */
        UNAUTHENTICATED(401),
        /** The token's role may not do this: 403. */
        FORBIDDEN(403),
        /** A parameter is missing or invalid: 400, naming it. */
        INVALID(400),
        /** The disclosure request (or other resource) named does not exist: 404. */
        NOT_FOUND(404),
        /** The resource's state does not allow it (approving a request twice, erasing retained data): 409. */
        CONFLICT(409),
        /** Over the four-eyes threshold: only a disclosure request approved by a second officer may run it: 403. */
        APPROVAL_REQUIRED(403),
        /** The store or the audit log failed: 503; nothing was disclosed. */
        FAILED(503);

        private final int status;

        Kind(int status) {
            this.status = status;
        }

        /** The HTTP status. */
        public int status() {
            return status;
        }
    }

    private final Kind kind;
    private final String field;
    private final String requestId;

    /**
     * @param kind      why
     * @param field     the offending parameter, or null
     * @param detail    a human-readable explanation
     * @param requestId the audit request id
     */
    public ComplianceRefusal(Kind kind, String field, String detail, String requestId) {
        super(detail);
        this.kind = kind;
        this.field = field;
        this.requestId = requestId;
    }

    /** Why. */
    public Kind kind() {
        return kind;
    }

    /** The offending parameter, or null. */
    public String field() {
        return field;
    }

    /** The request id under which it was audited. */
    public String requestId() {
        return requestId;
    }
}
