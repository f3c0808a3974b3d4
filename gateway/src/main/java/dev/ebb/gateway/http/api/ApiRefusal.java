package dev.ebb.gateway.http.api;

import dev.ebb.gateway.http.Problem;
import java.util.Set;

/**
 * A customer API request that was not carried out: the HTTP status, a problem type, the field at fault and a message
 * that never holds content or a whole number.
 */
final class ApiRefusal extends RuntimeException {
    /** The fields whose refusal is a reason of its own in metrics; any other name could be the client's own word. */
    private static final Set<String> FIELDS = Set.of("to", "from", "text", "validity", "contentRetention", "reference",
            "body");

    private final int status;
    private final String type;
    private final String field;
    private final int retryAfterSeconds;
    private final String reason;

    ApiRefusal(int status, String type, String field, String detail) {
        this(status, type, field, detail, 1);
    }

    /** @param retryAfterSeconds the Retry-After of a 429 or 503 */
    ApiRefusal(int status, String type, String field, String detail, int retryAfterSeconds) {
        this(status, type, field, detail, retryAfterSeconds, reasonOf(status, type, field));
    }

    private ApiRefusal(int status, String type, String field, String detail, int retryAfterSeconds, String reason) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
        this.field = field;
        this.retryAfterSeconds = retryAfterSeconds;
        this.reason = reason;
    }

    static ApiRefusal invalid(String field, String detail) {
        return new ApiRefusal(400, "invalid-parameter", field, detail);
    }

    /** No route serves the number: a 400 on {@code to}, counted apart as SMPP counts it. */
    static ApiRefusal noRoute(String detail) {
        return new ApiRefusal(400, "invalid-parameter", "to", detail, 1, "no-route");
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

    /** The refusal as the problem details of its answer (RFC 9457). */
    Problem problem() {
        return Problem.of(status, type, title(status), getMessage()).onField(field);
    }

    private static String title(int status) {
        return switch (status) {
            case 400 -> "Invalid parameter";
            case 401 -> "Authentication required";
            case 404 -> "Not found";
            case 409 -> "Conflict";
            case 422 -> "Unprocessable request";
            case 429 -> "Too many requests";
            case 503 -> "Service unavailable";
            default -> "Not accepted";
        };
    }

    /**
     * Why, as {@code ebb_submits_refused_total}'s {@code reason} label: a kebab-case word of a fixed set, the same words
     * as SMPP ingress where the cause is the same (throttled, queue-full, stores-full, not-durable).
     */
    String reason() {
        return reason;
    }

    /** {@code contentRetention} as {@code content-retention}, the labels' kebab-case. */
    private static String kebab(String field) {
        return field.replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT);
    }

    private static String reasonOf(int status, String type, String field) {
        if (status == 400) {
            return field != null && FIELDS.contains(field) ? "invalid-" + kebab(field) : "invalid-request";
        }
        return switch (type) {
            case "rate-limited" -> "throttled";
            case "congested" -> "queue-full";
            case "storage-full" -> "stores-full";
            case "not-accepted" -> "not-durable";
            default -> type;
        };
    }
}
