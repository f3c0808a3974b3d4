package dev.ebb.gateway.http;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem details object ({@code application/problem+json}), with two extension members: the parameter
 * at fault and the audit request id under which the refusal was recorded.
 *
 * @param type      a URI naming the problem type
 * @param title     short summary of the type
 * @param status    the HTTP status
 * @param detail    what went wrong with this request (never a full number)
 * @param field     the offending parameter or header, or null
 * @param requestId the audit request id, or null when the request never reached the audit
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String field, String requestId) {
    /**
     * A problem about no parameter in particular and not (yet) audited; {@link #onField} and {@link #withRequestId}
     * add those. Problem type URIs are relative references to Ebb's documentation (RFC 9457 §3.1.1).
     */
    public static Problem of(int status, String slug, String title, String detail) {
        return new Problem("/problems/" + slug, title, status, detail, null, null);
    }

    /** The same problem, about the parameter or header {@code name} (null: none). */
    public Problem onField(String name) {
        return new Problem(type, title, status, detail, name, requestId);
    }

    /** The same problem, recorded under {@code id}. */
    public Problem withRequestId(String id) {
        return new Problem(type, title, status, detail, field, id);
    }
}
