package dev.ebb.gateway.compliance;

import dev.ebb.metadata.QueryPage;
import dev.ebb.metadata.StoredRecord;
import dev.ebb.metadata.TrafficQuery;
import dev.ebb.model.Msisdn;
import java.time.Instant;
import java.time.Period;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Data-subject rights, as a processor (GDPR Art. 28(3)(e)): on a customer's (the controller's) instruction, an
 * export of the traffic data held for one of its recipients' numbers, restricted to that customer's messages; a
 * record of restrictions of processing and objections; and a plain refusal to erase traffic data under legal
 * retention before its term. Each is audited like any compliance action, under the controller's instruction
 * reference as case reference.
 *
 * <p>Restrictions and objections are kept in the audit log only and rebuilt from it on start.
 */
public final class SubjectRights {
    /** What a restriction or objection changes, and what it cannot. */
    public static final String RETENTION_NOTICE = "Traffic data is retained under a legal obligation and is not"
            + " erased before its term; each day's records are destroyed automatically when the retention period"
            + " ends. While retained it is processed only to answer lawful requests. Message content is never"
            + " retained beyond 72 hours.";

    private final RetentionView store;
    private final AuditGate gate;
    private final QueryRules rules;
    private final List<Restriction> recorded = new ArrayList<>();
    private final FourEyes fourEyes;

    SubjectRights(RetentionView store, AuditGate gate, QueryRules rules, FourEyes fourEyes) {
        this.store = store;
        this.gate = gate;
        this.rules = rules;
        this.fourEyes = fourEyes;
    }

    /**
     * One page of the records of {@code msisdn} (as sender or recipient) that belong to {@code customer}.
     *
     * @param params {@code msisdn} (required), {@code from}, {@code to}, {@code limit}, {@code continuation}
     * @throws ComplianceRefusal as for a query (audited)
     */
    public Disclosure access(RequestContext ctx, String customer, QueryParameters params) {
        Map<String, String> criteria = new LinkedHashMap<>(params.asCriteria());
        criteria.put("customer", customer);
        AuditGate.Accepted<TrafficQuery> accepted = gate.accept(ctx, Action.SUBJECT_ACCESS, criteria, true, who -> {
            if (params.msisdn() == null) {
                throw Rejection.invalid("msisdn", "msisdn is required: the data subject's number");
            }
            if (params.messageId() != null || params.customer() != null) {
                throw Rejection.invalid(params.messageId() != null ? "messageId" : "customer",
                        "a data-subject export selects by the customer in the path and an msisdn only");
            }
            return rules.toQuery(params, who.tokenId());
        });
        // The store selects by number; other controllers' records of the same number are not this customer's to see.
        // Counted over every customer's records of the number: conservative, and the same rule as a direct query.
        TrafficQuery query = accepted.value();
        String holder = accepted.who().tokenId();
        try (FourEyes.Hold held = gate.run(accepted.entry(), () -> fourEyes.admit(query))) {
            QueryPage page = gate.run(accepted.entry(), () -> rules.sealed(query, holder, store.query(query)));
            List<StoredRecord> own = page.records().stream().filter(r -> r.record().customerId().equals(customer))
                    .toList();
            AuditEntry done = fourEyes.complete(gate, accepted.entry(), held, own.size());
            return new Disclosure(accepted.entry().event().requestId(), query, own, page.continuation(),
                    accepted.entry(), done);
        }
    }

    /**
     * Records a restriction of processing or an objection for {@code msisdn} of {@code customer}.
     *
     * @param kind {@code restriction} or {@code objection}
     * @throws ComplianceRefusal 400 naming a bad field, 401/403 (audited)
     */
    public Restriction restrict(RequestContext ctx, String customer, String msisdn, String kind) {
        Map<String, String> criteria = new LinkedHashMap<>();
        criteria.put("customer", customer);
        if (msisdn != null) {
            criteria.put("msisdn", msisdn);
        }
        if (kind != null) {
            criteria.put("kind", kind);
        }
        AuditGate.Accepted<String> accepted = gate.accept(ctx, Action.SUBJECT_RESTRICT, criteria, true, who -> {
            if (kind == null || !List.of("restriction", "objection").contains(kind.toLowerCase(Locale.ROOT))) {
                throw Rejection.invalid("kind", "kind must be restriction (GDPR Art. 18) or objection (Art. 21)");
            }
            return normalised(msisdn);
        });
        AuditEntry done = gate.complete(accepted.entry(), 0, Map.of("msisdn", accepted.value(),
                "kind", kind.toLowerCase(Locale.ROOT)));
        apply(done);
        return Restriction.of(done);
    }

    /**
     * The restrictions and objections recorded for {@code customer}, optionally for one number.
     *
     * @throws ComplianceRefusal 400 for a bad number, 401/403 (audited)
     */
    public List<Restriction> restrictions(RequestContext ctx, String customer, String msisdn) {
        Map<String, String> criteria = new LinkedHashMap<>();
        criteria.put("customer", customer);
        if (msisdn != null) {
            criteria.put("msisdn", msisdn);
        }
        AuditGate.Accepted<String> accepted = gate.accept(ctx, Action.SUBJECT_READ_RESTRICTIONS, criteria, false,
                who -> msisdn == null ? null : normalised(msisdn));
        List<Restriction> found;
        synchronized (recorded) {
            found = recorded.stream().filter(r -> r.customer().equals(customer)
                    && (accepted.value() == null || accepted.value().equals(r.msisdn()))).toList();
        }
        gate.complete(accepted.entry(), found.size());
        return found;
    }

    /**
     * Always refused (409, audited): traffic data under legal retention cannot be erased before its term.
     *
     * @throws ComplianceRefusal every time
     */
    public void erase(RequestContext ctx, String customer, String msisdn) {
        Map<String, String> criteria = new LinkedHashMap<>();
        criteria.put("customer", customer);
        if (msisdn != null) {
            criteria.put("msisdn", msisdn);
        }
        gate.accept(ctx, Action.SUBJECT_ERASE, criteria, true, who -> {
            normalised(msisdn);
            throw Rejection.conflict("the traffic data of this number cannot be erased before its term: it is"
                    + " retained for " + describe(rules.retention()) + " under a legal obligation, and each day's records are"
                    + " destroyed when that period ends. Content was never kept beyond 72 hours. A restriction or"
                    + " objection can be recorded instead (POST /v1/subjects/{customer}/restrictions).");
        });
    }

    /** Keeps a recorded restriction: how the list is rebuilt from the audit log on start and kept up to date. */
    void apply(AuditEntry e) {
        AuditEvent ev = e.event();
        if (ev.action() == Action.SUBJECT_RESTRICT && ev.outcome() == Outcome.COMPLETED) {
            synchronized (recorded) {
                recorded.add(Restriction.of(e));
            }
        }
    }

    private static String describe(Period p) {
        return p.getDays() == 0 ? p.toTotalMonths() + " months" : p.toString();
    }

    private static String normalised(String msisdn) {
        if (msisdn == null) {
            throw Rejection.invalid("msisdn", "msisdn is required: the data subject's number");
        }
        try {
            return Msisdn.normalise(msisdn);
        } catch (IllegalArgumentException e) {
            throw Rejection.invalid("msisdn", "not an E.164 MSISDN (expected 8..15 digits, '+' or 00 in front optional): "
                    + Msisdn.mask(msisdn));
        }
    }

    /**
     * A recorded restriction of processing or objection.
     *
     * @param id            the audit request id under which it was recorded
     * @param customer      the controller
     * @param msisdn        the data subject's number
     * @param kind          {@code restriction} or {@code objection}
     * @param instruction   the controller's instruction reference
     * @param recordedBy    token id of the officer who recorded it
     * @param recordedAt    when
     * @param retention     what it changes, and what it cannot
     */
    public record Restriction(String id, String customer, String msisdn, String kind, String instruction,
                              String recordedBy, Instant recordedAt, String retention) {
        static Restriction of(AuditEntry e) {
            AuditEvent ev = e.event();
            return new Restriction(ev.requestId(), ev.criteria().get("customer"), ev.result().get("msisdn"),
                    ev.result().get("kind"), ev.caseReference(), ev.tokenId(), e.time(), RETENTION_NOTICE);
        }
    }
}
