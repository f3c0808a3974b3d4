package dev.ebb.gateway.compliance;

import dev.ebb.metadata.MetadataStore;
import dev.ebb.metadata.QueryPage;
import dev.ebb.metadata.TrafficQuery;
import dev.ebb.metadata.VerifyReport;
import java.security.PublicKey;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
    private final RetentionView store;
    private final MetadataStore local;
    private final AuditLog audit;
    private final AuditGate gate;
    private final QueryRules rules;
    private final FourEyes fourEyes;
    private final Clock clock;
    private final DeliverySigner signer;
    private final TokenTable tokens;
    private final DisclosureRequests requests;
    private final SubjectRights subjects;
    private final TransparencyLog transparency;
    private final Witnesses witnesses;

    /**
     * @param store    the traffic data
     * @param audit    the audit log; disclosure requests are rebuilt from it
     * @param tokens   who may call, with which role
     * @param settings cap, retention, four-eyes threshold and window, provider id
     * @param signer   signs deliveries of disclosure requests; the key of continuation tokens is derived from it
     * @param clock    the time for windows and retention
     */
    public ComplianceService(MetadataStore store, AuditLog audit, TokenTable tokens, ComplianceSettings settings,
                             DeliverySigner signer, Clock clock) {
        this(store, audit, tokens, settings, signer, clock, Witnesses.none(store));
    }

    /**
     * As above, with the witnesses whose cosignatures export packages carry.
     *
     * @param witnesses asked to cosign a day's latest checkpoint before an export proves records against it
     */
    public ComplianceService(MetadataStore store, AuditLog audit, TokenTable tokens, ComplianceSettings settings,
                             DeliverySigner signer, Clock clock, Witnesses witnesses) {
        this(store, RetentionView.of(store), audit, tokens, settings, signer, clock, witnesses);
    }

    /**
     * As above, answering from {@code view}: this node's store alone, or every node's records in cluster mode.
     *
     * @param local the store of this node: its transparency logs, checkpoints and witnesses
     * @param view  the traffic data queries, disclosures and exports read
     */
    public ComplianceService(MetadataStore local, RetentionView view, AuditLog audit, TokenTable tokens,
                             ComplianceSettings settings, DeliverySigner signer, Clock clock, Witnesses witnesses) {
        this.store = view;
        this.local = local;
        this.witnesses = witnesses;
        this.audit = audit;
        this.tokens = tokens;
        this.gate = new AuditGate(audit, tokens);
        this.rules = new QueryRules(settings.maxRecordsPerPage(), settings.retention(),
                new ContinuationTokens(signer.derivedKey(ContinuationTokens.PURPOSE)), clock);
        this.fourEyes = new FourEyes(store, settings.fourEyesThreshold(), settings.fourEyesWindow(), clock);
        this.clock = clock;
        this.signer = signer;
        this.requests = new DisclosureRequests(store, local, gate, rules, fourEyes, settings, signer, clock,
                witnesses);
        this.subjects = new SubjectRights(store, gate, rules, fourEyes);
        this.transparency = new TransparencyLog(local, gate);
        gate.replay(entry -> {
            requests.apply(entry);
            subjects.apply(entry);
            fourEyes.apply(entry);
        });
    }

    /** The configured id of the compliance token {@code bearerToken}, if it is one (for the access log). */
    public Optional<String> tokenIdOf(String bearerToken) {
        return tokens.authenticate(bearerToken).map(Principal::tokenId);
    }

    /** The ETSI TS 103 120-shaped disclosure request workflow. */
    public DisclosureRequests requests() {
        return requests;
    }

    /** The metadata store's transparency logs, for auditors. */
    public TransparencyLog transparency() {
        return transparency;
    }

    /** Data-subject rights, on the controller's instruction. */
    public SubjectRights subjects() {
        return subjects;
    }

    /**
     * Audits as refused a request the transport could not parse (an unknown parameter, a malformed body), after
     * authenticating it like any other.
     *
     * @return the refusal to answer with (401/403 if the caller is not allowed at all, else 400 naming the field)
     */
    public ComplianceRefusal refuseMalformed(RequestContext ctx, Action action, String field, String detail) {
        try {
            return gate.refuseMalformed(ctx, action, Map.of(), field, detail);
        } catch (ComplianceRefusal r) {
            return r;
        }
    }

    /**
     * Audits as refused a request to no resource or with a method its resource does not take, naming the caller if
     * its token is valid.
     *
     * @return the audit request id, for the answer
     * @throws ComplianceRefusal (503) if the audit log cannot be written
     */
    public String refuseUnrouted(RequestContext ctx, String method, String path, String detail) {
        Map<String, String> criteria = new LinkedHashMap<>();
        criteria.put("method", method);
        criteria.put("path", path);
        return gate.refuseUnrouted(ctx, criteria, detail);
    }

    /**
     * Audits as refused a request the transport could not decode (RFC 9112 framing, header syntax, size): nothing in
     * it is trusted, its token and case least of all, so it is recorded with the caller's address only.
     *
     * @return the audit request id, for the answer
     * @throws ComplianceRefusal (503) if the audit log cannot be written
     */
    public String refuseUndecodable(String clientAddress, String detail) {
        return gate.refuseUnrouted(new RequestContext(null, null, null, clientAddress), Map.of(), detail);
    }

    /**
     * Runs one page of a retention query for a case.
     *
     * @throws ComplianceRefusal if unauthenticated (401), forbidden (403), invalid (400, naming the field) or failed
     *                           (503); audited in every case
     */
    public Disclosure query(RequestContext ctx, QueryParameters params) {
        AuditGate.Accepted<TrafficQuery> accepted = gate.accept(ctx, Action.QUERY, params.asCriteria(), true,
                who -> rules.toQuery(params, who.tokenId()));
        TrafficQuery query = accepted.value();
        String holder = accepted.who().tokenId();
        try (FourEyes.Hold held = gate.run(accepted.entry(), () -> fourEyes.admit(query))) {
            QueryPage page = gate.run(accepted.entry(), () -> rules.sealed(query, holder, store.query(query)));
            AuditEntry done = fourEyes.complete(gate, accepted.entry(), held, page.records().size());
            return new Disclosure(accepted.entry().event().requestId(), query, page.records(), page.continuation(),
                    accepted.entry(), done);
        }
    }

    /**
     * Builds the export package of one page of a retention query for a case: records, query, audit entry, signed
     * tree heads and an inclusion proof per record. Audited like {@link #query}.
     *
     * @throws ComplianceRefusal as for {@link #query}
     */
    public ExportPackage export(RequestContext ctx, QueryParameters params) {
        AuditGate.Accepted<TrafficQuery> accepted = gate.accept(ctx, Action.EXPORT, params.asCriteria(), true,
                who -> rules.toQuery(params, who.tokenId()));
        TrafficQuery query = accepted.value();
        String holder = accepted.who().tokenId();
        AuditEntry entry = accepted.entry();
        try (FourEyes.Hold held = gate.run(entry, () -> fourEyes.admit(query))) {
            ExportPackage pkg = gate.run(entry, () -> ExportPackage.of(store, local, entry, query,
                    rules.sealed(query, holder, store.query(query)), clock.instant(), signer, witnesses));
            fourEyes.complete(gate, entry, held, pkg.records().size());
            return pkg;
        }
    }

    /**
     * A page of audit entries from a sequence number on, optionally only those of one case or one actor (token id),
     * at most a limit (capped like query pages). The read itself is audited.
     *
     * @throws ComplianceRefusal as for {@link #query}
     */
    public AuditQuery.Page readAudit(RequestContext ctx, AuditQuery q) {
        AuditGate.Accepted<AuditRange> accepted = gate.accept(ctx, Action.READ_AUDIT, q.asCriteria(), false,
                who -> new AuditRange(QueryRules.parseLong("from", q.from(), 0, 0, Long.MAX_VALUE),
                        (int) Math.min(QueryRules.parseLong("limit", q.limit(), rules.maxRecordsPerPage(), 1,
                                Integer.MAX_VALUE), rules.maxRecordsPerPage())));
        AuditRange range = accepted.value();
        List<AuditEntry> entries = gate.run(accepted.entry(), () -> audit.read(range.from(), range.limit(),
                q::selects));
        gate.complete(accepted.entry(), entries.size());
        // A full page may have more after it; a short one ended at the end of the log.
        Long next = entries.size() < range.limit() ? null : entries.get(entries.size() - 1).sequence() + 1;
        return new AuditQuery.Page(entries, next);
    }

    /**
     * Verifies the audit log's hash chain; audited (the report covers the entries before this call's own).
     *
     * @throws ComplianceRefusal as for {@link #query}
     */
    public AuditVerifyReport verifyAudit(RequestContext ctx) {
        AuditGate.Accepted<Boolean> accepted = gate.accept(ctx, Action.VERIFY_AUDIT, Map.of(), false,
                who -> Boolean.TRUE);
        AuditVerifyReport report = gate.run(accepted.entry(), audit::verify);
        gate.complete(accepted.entry(), 0);
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
        AuditGate.Accepted<DayRange> accepted = gate.accept(ctx, Action.VERIFY_INTEGRITY, criteria, false, who -> {
            LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
            LocalDate f = from == null ? rules.retentionStartDay() : QueryRules.parseDate("from", from);
            LocalDate t = to == null ? today : QueryRules.parseDate("to", to);
            if (t.isBefore(f)) {
                throw Rejection.invalid("to", "to (" + t + ") is before from (" + f + ")");
            }
            return new DayRange(f, t);
        });
        DayRange days = accepted.value();
        VerifyReport report = gate.run(accepted.entry(), () -> store.verify(days.from(), days.to()));
        gate.complete(accepted.entry(), 0);
        return report;
    }

    /**
     * Authorises and audits a read of the API's OpenAPI document, which any role may read. It discloses nothing, but
     * on this listener no request is anonymous: a caller without a token learns nothing, not even what it reached.
     *
     * @throws ComplianceRefusal 401 without a valid token, 503 if the audit log cannot be written (audited)
     */
    public void readApiDocument(RequestContext ctx) {
        AuditGate.Accepted<Boolean> accepted = gate.accept(ctx, Action.READ_API_DOCUMENT, Map.of(), false,
                who -> Boolean.TRUE);
        gate.complete(accepted.entry(), 0);
    }

    /**
     * Who the caller is: its token's id and role, for a client to show and to offer what the role may do. Any role may
     * ask; audited like every request.
     *
     * @throws ComplianceRefusal 401 without a valid token, 503 if the audit log cannot be written (audited)
     */
    public Principal readOwnToken(RequestContext ctx) {
        AuditGate.Accepted<Principal> accepted = gate.accept(ctx, Action.READ_OWN_TOKEN, Map.of(), false, who -> who);
        gate.complete(accepted.entry(), 0);
        return accepted.value();
    }

    /**
     * The public key that verifies deliveries and export packages ({@link SignedJson}): a recipient checks a document
     * against the provider's key, never against the key the document names. Any role may read it; audited.
     *
     * @throws ComplianceRefusal 401 without a valid token, 503 if the audit log cannot be written (audited)
     */
    public PublicKey deliveryKey(RequestContext ctx) {
        AuditGate.Accepted<Boolean> accepted = gate.accept(ctx, Action.READ_DELIVERY_KEY, Map.of(), false,
                who -> Boolean.TRUE);
        gate.complete(accepted.entry(), 0);
        return signer.publicKey();
    }

    private record AuditRange(long from, int limit) {
    }

    private record DayRange(LocalDate from, LocalDate to) {
    }
}
