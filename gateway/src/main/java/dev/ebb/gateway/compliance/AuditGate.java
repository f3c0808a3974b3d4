package dev.ebb.gateway.compliance;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The one way into the compliance functions (DESIGN invariant 5): authenticate the token, check its role, validate
 * the request, and write the outcome to the audit log before anything runs. A refusal is audited and thrown as a
 * {@link ComplianceRefusal}; an accepted request is audited before it runs and again after it, with the number of
 * records disclosed, or with the failure. If the audit log cannot be written, nothing runs.
 */
final class AuditGate {
    /** Longest case reference or legal basis accepted. */
    static final int MAX_TEXT = 256;

    private final AuditLog audit;
    private final TokenTable tokens;

    AuditGate(AuditLog audit, TokenTable tokens) {
        this.audit = audit;
        this.tokens = tokens;
    }

    /** The audited acceptance, who was accepted, and the validated request. */
    record Accepted<T>(AuditEntry entry, Principal who, T value) {
    }

    /** One request as its audit entries name it, whatever its outcome. */
    private record Attempt(RequestContext ctx, Action action, Map<String, String> criteria, String requestId) {
        Attempt(RequestContext ctx, Action action, Map<String, String> criteria) {
            this(ctx, action, criteria, UUID.randomUUID().toString());
        }
    }

    /**
     * Authenticates, authorises and validates; audits and throws a refusal, or audits and returns the acceptance.
     *
     * @param needsCase true when the action discloses traffic data, so a case reference and legal basis are required
     * @param validate  checks the request for this caller; throws a {@link Rejection} naming what is wrong
     */
    <T> Accepted<T> accept(RequestContext ctx, Action action, Map<String, String> criteria, boolean needsCase,
                           Function<Principal, T> validate) {
        Attempt attempt = new Attempt(ctx, action, criteria);
        Principal who = authorise(attempt);
        T value;
        try {
            if (needsCase) {
                requireText("caseReference", ctx.caseReference());
                requireText("legalBasis", ctx.legalBasis());
            }
            value = validate.apply(who);
        } catch (Rejection r) {
            throw refuse(attempt, who, r.kind(), r.field(), r.getMessage());
        }
        AuditEntry entry = append(event(attempt, who, Outcome.ACCEPTED, null), attempt.requestId());
        return new Accepted<>(entry, who, value);
    }

    /**
     * Audits a request the transport could not parse (unknown parameter, malformed body) as refused, after the same
     * authentication and role check as any other, and returns the refusal to answer with.
     */
    ComplianceRefusal refuseMalformed(RequestContext ctx, Action action, Map<String, String> criteria, String field,
                                      String detail) {
        Attempt attempt = new Attempt(ctx, action, criteria);
        return refuse(attempt, authorise(attempt), ComplianceRefusal.Kind.INVALID, field, detail);
    }

    /**
     * Audits as refused a request that names no compliance function: one to no resource, with a method its resource
     * does not take, or that Netty could not decode. The caller is named if its token is valid; no role is needed to
     * be told no.
     *
     * @return the audit request id
     */
    String refuseUnrouted(RequestContext ctx, Map<String, String> criteria, String detail) {
        Principal who = tokens.authenticate(ctx.bearerToken()).orElse(null);
        return refuse(new Attempt(ctx, Action.UNKNOWN, criteria), who, ComplianceRefusal.Kind.INVALID, null, detail)
                .requestId();
    }

    /**
     * Runs an accepted action; a failure is audited and thrown as a refusal. A {@link Rejection} thrown by the action
     * (a check that needs the store, which is read only once the request is audited) is audited as the failure.
     */
    <T> T run(AuditEntry accepted, Supplier<T> action) {
        String requestId = accepted.event().requestId();
        try {
            return action.get();
        } catch (Rejection r) {
            append(accepted.event().failed(r.getMessage()), requestId);
            throw new ComplianceRefusal(r.kind(), r.field(), r.getMessage(), requestId);
        } catch (RuntimeException e) {
            append(accepted.event().failed(e.getClass().getSimpleName()), requestId);
            throw new ComplianceRefusal(ComplianceRefusal.Kind.FAILED, null, "the request failed; nothing was"
                    + " disclosed", requestId);
        }
    }

    /** Writes the completion entry; results may be released only once it is durable. */
    AuditEntry complete(AuditEntry accepted, long disclosed) {
        return complete(accepted, disclosed, Map.of());
    }

    /** Writes the completion entry with what the action produced. */
    AuditEntry complete(AuditEntry accepted, long disclosed, Map<String, String> produced) {
        return append(accepted.event().completed(disclosed, produced), accepted.event().requestId());
    }

    /** Entries from {@code fromSequence} on whose event {@code matches}, at most {@code limit}, oldest first. */
    List<AuditEntry> read(long fromSequence, int limit, Predicate<AuditEvent> matches) {
        return audit.read(fromSequence, limit, matches);
    }

    /** Every entry of the log, oldest first (for rebuilding state kept only in the log). */
    void replay(Consumer<AuditEntry> sink) {
        audit.forEach(sink);
    }

    private Principal authorise(Attempt attempt) {
        String token = attempt.ctx().bearerToken();
        Principal who = tokens.authenticate(token).orElse(null);
        if (who == null) {
            throw refuse(attempt, null, ComplianceRefusal.Kind.UNAUTHENTICATED, null,
                    token == null || token.isEmpty() ? "no bearer token" : "unknown bearer token");
        }
        if (!who.role().permits(attempt.action())) {
            throw refuse(attempt, who, ComplianceRefusal.Kind.FORBIDDEN, null, "role " + who.role().configName()
                    + " may not " + attempt.action().name().toLowerCase(Locale.ROOT));
        }
        return who;
    }

    private ComplianceRefusal refuse(Attempt attempt, Principal who, ComplianceRefusal.Kind kind, String field,
                                     String detail) {
        String reason = field == null ? detail : field + ": " + detail;
        append(event(attempt, who, Outcome.REFUSED, reason), attempt.requestId());
        return new ComplianceRefusal(kind, field, detail, attempt.requestId());
    }

    private AuditEntry append(AuditEvent event, String requestId) {
        try {
            return audit.append(event);
        } catch (AuditLogException e) {
            throw new ComplianceRefusal(ComplianceRefusal.Kind.FAILED, null,
                    "the audit log cannot be written, so nothing runs", requestId);
        }
    }

    private static AuditEvent event(Attempt attempt, Principal who, Outcome outcome, String reason) {
        RequestContext ctx = attempt.ctx();
        return new AuditEvent(attempt.requestId(), attempt.action(), outcome, who == null ? null : who.tokenId(),
                who == null ? null : who.role().configName(), ctx.clientAddress(), ctx.caseReference(),
                ctx.legalBasis(), attempt.criteria(), reason, null, null);
    }

    /** Checks a required free-text field (case reference, legal basis, note). */
    static void requireText(String field, String value) {
        if (value == null || value.isBlank()) {
            throw Rejection.invalid(field, field + " is required");
        }
        if (value.length() > MAX_TEXT || !value.codePoints().allMatch(c -> c >= 0x20 && c != 0x7F)) {
            throw Rejection.invalid(field, field + " must be 1.." + MAX_TEXT + " printable characters");
        }
    }
}
