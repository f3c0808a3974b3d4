package dev.ebb.gateway.compliance;

/**
 * A request found unacceptable while it is validated, before anything runs; {@link AuditGate} audits it as refused and
 * turns it into a {@link ComplianceRefusal} of the same kind.
 */
final class Rejection extends RuntimeException {
    private final ComplianceRefusal.Kind kind;
    private final String field;

    private Rejection(ComplianceRefusal.Kind kind, String field, String message) {
        super(message, null, false, false);
        this.kind = kind;
        this.field = field;
    }

    /** A missing or malformed parameter (400), named. */
    static Rejection invalid(String field, String message) {
        return new Rejection(ComplianceRefusal.Kind.INVALID, field, message);
    }

    /** The caller may not do this to this resource (403). */
    static Rejection forbidden(String message) {
        return new Rejection(ComplianceRefusal.Kind.FORBIDDEN, null, message);
    }

    /** No such resource (404). */
    static Rejection notFound(String field, String message) {
        return new Rejection(ComplianceRefusal.Kind.NOT_FOUND, field, message);
    }

    /** The resource's state does not allow it (409). */
    static Rejection conflict(String message) {
        return new Rejection(ComplianceRefusal.Kind.CONFLICT, null, message);
    }

    /** Too large to disclose on one officer's word: it needs a second officer's approval (403). */
    static Rejection approvalRequired(String message) {
        return new Rejection(ComplianceRefusal.Kind.APPROVAL_REQUIRED, null, message);
    }

    ComplianceRefusal.Kind kind() {
        return kind;
    }

    String field() {
        return field;
    }
}
