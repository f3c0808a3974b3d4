package dev.ebb.gateway.http.api;

/**
 * A customer API request that was not carried out: the HTTP status, a problem type, the field at fault and a message
 * that never holds content or a whole number.
 */
final class ApiRefusal extends RuntimeException {
    private final int status;
    private final String type;
    private final String field;
    private final int retryAfterSeconds;

    ApiRefusal(int status, String type, String field, String detail) {
        this(status, type, field, detail, 1);
    }

    /** @param retryAfterSeconds the Retry-After of a 429 or 503 */
    ApiRefusal(int status, String type, String field, String detail, int retryAfterSeconds) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
        this.field = field;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    static ApiRefusal invalid(String field, String detail) {
        return new ApiRefusal(400, "invalid-parameter", field, detail);
    }

    int status() {
        return status;
    }

    String type() {
        return type;
    }

    String field() {
        return field;
    }

    int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
