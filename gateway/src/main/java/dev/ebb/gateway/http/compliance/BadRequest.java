package dev.ebb.gateway.http.compliance;

/** A request the listener could not parse (unknown parameter, malformed body); audited as refused, answered 400. */
final class BadRequest extends RuntimeException {
    private final String field;

    BadRequest(String field, String message) {
        super(message, null, false, false);
        this.field = field;
    }

    String field() {
        return field;
    }
}
