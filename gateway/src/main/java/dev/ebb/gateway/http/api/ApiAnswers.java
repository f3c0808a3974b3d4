package dev.ebb.gateway.http.api;

/** What the customer API tells of its answers, for metrics. */
@FunctionalInterface
public interface ApiAnswers {
    /** An answer's HTTP status, whatever the request; also the listener's own refusals (413, 431, 503). */
    void answered(int status);

    /**
     * A {@code POST /v1/messages} of an authenticated customer was answered {@code status}, {@code nanos} after the
     * request was read; {@code reason} is why it was refused ({@link ApiRefusal#reason()}), null when accepted.
     */
    default void sent(String customer, int status, String reason, long nanos) {
    }
}
