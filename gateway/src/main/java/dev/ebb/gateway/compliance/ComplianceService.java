package dev.ebb.gateway.compliance;

import dev.ebb.metadata.InclusionProof;
import dev.ebb.metadata.MetadataStore;
import dev.ebb.metadata.Msisdn;
import dev.ebb.metadata.QueryPage;
import dev.ebb.metadata.SignedTreeHead;
import dev.ebb.metadata.TrafficQuery;
import dev.ebb.metadata.VerifyReport;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Lawful retention queries and their audit (DESIGN invariant 5), independent of any transport. Every call first
 * authenticates the token and checks its role, then validates the request; a refusal is written to the audit log
 * and thrown as a {@link ComplianceRefusal}. An accepted request is written to the audit log <em>before</em> it runs
 * and again after it, with the number of records disclosed; if it fails, the failure is written instead. If the audit
 * log cannot be written, nothing runs and nothing is disclosed.
 *
 * <p>Thread-safe. Calls block on the store and on the audit log's fsync: run them off any latency-sensitive thread.
 */
public final class ComplianceService {
    /** Longest case reference or legal basis accepted. */
    public static final int MAX_TEXT = 256;

    private final MetadataStore store;
    private final AuditLog audit;
    private final TokenTable tokens;
    private final int maxRecordsPerPage;
    private final Period retention;
    private final Clock clock;

    /**
     * @param store             the traffic data
     * @param audit             the audit log
     * @param tokens            who may call, with which role
     * @param maxRecordsPerPage hard cap on a page, 1..{@value TrafficQuery#MAX_LIMIT}
     * @param retention         the metadata retention period: a window starting before it is refused
     * @param clock             the time for windows and retention
     */
    public ComplianceService(MetadataStore store, AuditLog audit, TokenTable tokens, int maxRecordsPerPage,
                             Period retention, Clock clock) {
        if (maxRecordsPerPage < 1 || maxRecordsPerPage > TrafficQuery.MAX_LIMIT) {
            throw new IllegalArgumentException("maxRecordsPerPage must be 1.." + TrafficQuery.MAX_LIMIT);
        }
        this.store = store;
        this.audit = audit;
        this.tokens = tokens;
        this.maxRecordsPerPage = maxRecordsPerPage;
        this.retention = retention;
        this.clock = clock;
    }

    /**
     * Runs one page of a retention query for a case.
     *
     * @throws ComplianceRefusal if unauthenticated (401), forbidden (403), invalid (400, naming the field) or failed
     *                           (503); audited in every case
     */
    public Disclosure query(RequestContext ctx, QueryParameters params) {
        Accepted<TrafficQuery> accepted = accept(ctx, Action.QUERY, params.asCriteria(), true, () -> toQuery(params));
        TrafficQuery query = accepted.value();
        QueryPage page = runAudited(accepted.entry(), () -> store.query(query));
        AuditEntry done = complete(accepted.entry(), page.records().size());
        return new Disclosure(accepted.entry().event().requestId(), query, page.records(), page.continuation(),
                accepted.entry(), done);
    }

    /**
     * Builds the export package of one page of a retention query for a case: records, query, audit entry, signed
     * tree heads and an inclusion proof per record. Audited like {@link #query}.
     *
     * @throws ComplianceRefusal as for {@link #query}
     */
    public ExportPackage export(RequestContext ctx, QueryParameters params) {
        Accepted<TrafficQuery> accepted = accept(ctx, Action.EXPORT, params.asCriteria(), true, () -> toQuery(params));
        TrafficQuery query = accepted.value();
        AuditEntry entry = accepted.entry();
        ExportPackage pkg = runAudited(entry, () -> {
            QueryPage page = store.query(query);
            List<InclusionProof> proofs = page.records().stream().map(r -> store.inclusionProof(r.ref())).toList();
            List<SignedTreeHead> heads = proofs.stream().map(InclusionProof::head).distinct().toList();
            return new ExportPackage(ctx.caseReference(), ctx.legalBasis(), entry.event().requestId(),
                    clock.instant(), entry.event().criteria(), Map.of("from", query.from(), "to", query.to()), entry,
                    page.records().stream().map(DisclosedRecord::of).toList(), proofs, heads,
                    Base64.getEncoder().encodeToString(store.publicKey().getEncoded()),
                    page.continuation().orElse(null));
        });
        complete(entry, pkg.records().size());
        return pkg;
    }

    /**
     * Audit entries from {@code fromSequence}, at most {@code limit} (capped like query pages). The read itself is
     * audited.
     *
     * @throws ComplianceRefusal as for {@link #query}
     */
    public List<AuditEntry> readAudit(RequestContext ctx, String fromSequence, String limit) {
        Map<String, String> criteria = new LinkedHashMap<>();
        if (fromSequence != null) {
            criteria.put("from", fromSequence);
        }
        if (limit != null) {
            criteria.put("limit", limit);
        }
        Accepted<AuditRange> accepted = accept(ctx, Action.READ_AUDIT, criteria, false, () -> new AuditRange(
                parseLong("from", fromSequence, 0, 0, Long.MAX_VALUE),
                (int) Math.min(parseLong("limit", limit, maxRecordsPerPage, 1, Integer.MAX_VALUE), maxRecordsPerPage)));
        AuditRange range = accepted.value();
        List<AuditEntry> entries = runAudited(accepted.entry(), () -> audit.read(range.from(), range.limit()));
        complete(accepted.entry(), entries.size());
        return entries;
    }

    /**
     * Verifies the audit log's hash chain; audited (the report covers the entries before this call's own).
     *
     * @throws ComplianceRefusal as for {@link #query}
     */
    public AuditVerifyReport verifyAudit(RequestContext ctx) {
        Accepted<Boolean> accepted = accept(ctx, Action.VERIFY_AUDIT, Map.of(), false, () -> Boolean.TRUE);
        AuditVerifyReport report = runAudited(accepted.entry(), audit::verify);
        complete(accepted.entry(), 0);
        return report;
    }

    /**
     * Verifies the metadata store's days {@code from..to} (ISO dates, UTC, inclusive; default the whole retention
     * period up to today).
     *
     * @throws ComplianceRefusal as for {@link #query}
     */
    public VerifyReport verifyIntegrity(RequestContext ctx, String from, String to) {
        Map<String, String> criteria = new LinkedHashMap<>();
        if (from != null) {
            criteria.put("from", from);
        }
        if (to != null) {
            criteria.put("to", to);
        }
        Accepted<DayRange> accepted = accept(ctx, Action.VERIFY_INTEGRITY, criteria, false, () -> {
            LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
            LocalDate f = from == null ? today.minus(retention) : parseDate("from", from);
            LocalDate t = to == null ? today : parseDate("to", to);
            if (t.isBefore(f)) {
                throw new Invalid("to", "to (" + t + ") is before from (" + f + ")");
            }
            return new DayRange(f, t);
        });
        DayRange days = accepted.value();
        VerifyReport report = runAudited(accepted.entry(), () -> store.verify(days.from(), days.to()));
        complete(accepted.entry(), 0);
        return report;
    }

    /** The accepted entry and the validated request. */
    private record Accepted<T>(AuditEntry entry, T value) {
    }

    private record AuditRange(long from, int limit) {
    }

    private record DayRange(LocalDate from, LocalDate to) {
    }

    /**
     * Authenticates, authorises and validates, auditing a refusal (and throwing it) or the acceptance (and returning
     * it).
     */
    private <T> Accepted<T> accept(RequestContext ctx, Action action, Map<String, String> criteria, boolean needsCase,
                           Supplier<T> validate) {
        String requestId = UUID.randomUUID().toString();
        Principal who = tokens.authenticate(ctx.bearerToken()).orElse(null);
        if (who == null) {
            throw refuse(ctx, action, criteria, requestId, null, ComplianceRefusal.Kind.UNAUTHENTICATED, null,
                    ctx.bearerToken() == null || ctx.bearerToken().isEmpty() ? "no bearer token"
                            : "unknown bearer token");
        }
        if (!who.role().permits(action)) {
            throw refuse(ctx, action, criteria, requestId, who, ComplianceRefusal.Kind.FORBIDDEN, null,
                    "role " + who.role().configName() + " may not " + action.name().toLowerCase(Locale.ROOT));
        }
        T value;
        try {
            if (needsCase) {
                requireText("caseReference", ctx.caseReference());
                requireText("legalBasis", ctx.legalBasis());
            }
            value = validate.get();
        } catch (Invalid e) {
            throw refuse(ctx, action, criteria, requestId, who, ComplianceRefusal.Kind.INVALID, e.field,
                    e.getMessage());
        }
        AuditEntry entry = append(event(ctx, action, criteria, requestId, who, Outcome.ACCEPTED, null), requestId);
        return new Accepted<>(entry, value);
    }

    /** Runs an accepted action; a failure is audited and thrown as a refusal. */
    private <T> T runAudited(AuditEntry accepted, Supplier<T> action) {
        String requestId = accepted.event().requestId();
        try {
            return action.get();
        } catch (IllegalArgumentException e) {
            // The only input the store still judges is the continuation token (its format and its query binding).
            append(accepted.event().failed("invalid continuation token"), requestId);
            throw new ComplianceRefusal(ComplianceRefusal.Kind.INVALID, "continuation",
                    "continuation token is malformed or belongs to another query", requestId);
        } catch (RuntimeException e) {
            append(accepted.event().failed(e.getClass().getSimpleName()), requestId);
            throw new ComplianceRefusal(ComplianceRefusal.Kind.FAILED, null, "the request failed; nothing was"
                    + " disclosed", requestId);
        }
    }

    /** Writes the completion entry; results may be released only once it is durable. */
    private AuditEntry complete(AuditEntry accepted, long disclosed) {
        return append(accepted.event().completed(disclosed), accepted.event().requestId());
    }

    private ComplianceRefusal refuse(RequestContext ctx, Action action, Map<String, String> criteria,
                                     String requestId, Principal who, ComplianceRefusal.Kind kind, String field,
                                     String detail) {
        String reason = field == null ? detail : field + ": " + detail;
        append(event(ctx, action, criteria, requestId, who, Outcome.REFUSED, reason), requestId);
        return new ComplianceRefusal(kind, field, detail, requestId);
    }

    private AuditEntry append(AuditEvent event, String requestId) {
        try {
            return audit.append(event);
        } catch (AuditLogException e) {
            throw new ComplianceRefusal(ComplianceRefusal.Kind.FAILED, null,
                    "the audit log cannot be written, so nothing runs", requestId);
        }
    }

    private static AuditEvent event(RequestContext ctx, Action action, Map<String, String> criteria,
                                    String requestId, Principal who, Outcome outcome, String reason) {
        return new AuditEvent(requestId, action, outcome, who == null ? null : who.tokenId(),
                who == null ? null : who.role().configName(), ctx.clientAddress(), ctx.caseReference(),
                ctx.legalBasis(), criteria, reason, null);
    }

    /** Parses and checks a query; the exception names the first bad field. */
    private TrafficQuery toQuery(QueryParameters p) {
        int selectors = (p.msisdn() != null ? 1 : 0) + (p.messageId() != null ? 1 : 0) + (p.customer() != null ? 1 : 0);
        if (selectors != 1) {
            throw new Invalid(p.msisdn() != null ? "messageId" : "msisdn",
                    "exactly one of msisdn, messageId and customer is required, " + selectors + " given");
        }
        Instant now = clock.instant();
        Instant retentionStart = LocalDate.ofInstant(now, ZoneOffset.UTC).minus(retention)
                .atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant to = p.to() == null ? now.plusMillis(1) : parseInstant("to", p.to());
        Instant from = p.from() == null ? max(retentionStart, to.atOffset(ZoneOffset.UTC).minus(retention)
                .toInstant()) : parseInstant("from", p.from());
        if (!to.isAfter(from)) {
            throw new Invalid("to", "the window is inverted or empty: to (" + to + ") is not after from (" + from
                    + ")");
        }
        if (from.isBefore(retentionStart)) {
            throw new Invalid("from", "from (" + from + ") is before the retention period, which starts at "
                    + retentionStart + "; older traffic data no longer exists");
        }
        int limit = (int) Math.min(parseLong("limit", p.limit(), maxRecordsPerPage, 1, Integer.MAX_VALUE),
                maxRecordsPerPage);
        TrafficQuery.Criterion criterion;
        try {
            if (p.msisdn() != null) {
                String number = Msisdn.normalise(p.msisdn());
                criterion = new TrafficQuery.ByMsisdn(number, parseRole(p.role()));
            } else if (p.messageId() != null) {
                criterion = new TrafficQuery.ByMessageId(p.messageId());
            } else {
                criterion = new TrafficQuery.ByCustomer(p.customer());
            }
        } catch (IllegalArgumentException e) {
            String field = p.msisdn() != null ? "msisdn" : p.messageId() != null ? "messageId" : "customer";
            throw new Invalid(field, field.equals("msisdn")
                    ? "not an E.164 MSISDN (expected '+' and 1..15 digits): " + Msisdn.mask(p.msisdn())
                    : field + " must be 1.." + dev.ebb.metadata.TrafficRecord.MAX_ID_LENGTH + " printable ASCII");
        }
        try {
            return new TrafficQuery(criterion, from, to, limit, p.continuation());
        } catch (IllegalArgumentException e) {
            throw new Invalid("to", "the window from " + from + " to " + to
                    + " is longer than the retention of traffic data");
        }
    }

    private static TrafficQuery.Role parseRole(String role) {
        if (role == null) {
            return TrafficQuery.Role.EITHER;
        }
        try {
            return TrafficQuery.Role.valueOf(role.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new Invalid("role", "role must be source, destination or either");
        }
    }

    private static void requireText(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new Invalid(field, field + " is required");
        }
        if (value.length() > MAX_TEXT || !value.codePoints().allMatch(c -> c >= 0x20 && c != 0x7F)) {
            throw new Invalid(field, field + " must be 1.." + MAX_TEXT + " printable characters");
        }
    }

    private static Instant parseInstant(String field, String value) {
        try {
            return value.length() == 10 ? LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant()
                    : Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new Invalid(field, field + " must be an ISO-8601 instant (2025-03-01T00:00:00Z) or date"
                    + " (2025-03-01, UTC)");
        }
    }

    private static LocalDate parseDate(String field, String value) {
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw new Invalid(field, field + " must be an ISO-8601 date (2025-03-01)");
        }
    }

    private static long parseLong(String field, String value, long dflt, long min, long max) {
        if (value == null) {
            return dflt;
        }
        try {
            long v = Long.parseLong(value);
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below with the allowed range
        }
        throw new Invalid(field, field + " must be an integer " + min + ".." + max);
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    /** A bad parameter, found during validation; becomes an audited 400. */
    static final class Invalid extends RuntimeException {
        private final String field;

        Invalid(String field, String message) {
            super(message, null, false, false);
            this.field = field;
        }
    }
}
