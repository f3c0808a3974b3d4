package dev.ebb.gateway.compliance;

import dev.ebb.metadata.MetadataStore;
import dev.ebb.metadata.QueryPage;
import dev.ebb.metadata.TrafficQuery;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Disclosure requests, the workflow of ETSI TS 103 120 (issue 5): an officer opens a request for a case with its
 * authorisation (reference, legal type, timespan) and what to disclose; over the four-eyes threshold it waits for a
 * second officer, who approves or rejects it (self-approval is refused); once awaiting disclosure its signed delivery
 * (ETSI TS 102 657 shaped) is fetched page by page, and the last page makes it disclosed. Either officer may cancel it
 * before then.
 *
 * <p>Every transition is an audited action, and the audit log is the only record of the workflow: the table is
 * rebuilt from it on start ({@link ComplianceService}), so a request's history cannot differ from what the auditors
 * read.
 *
 * <p>Thread-safe. The table is read and changed under one lock, held for the table only: the audit appends (each
 * an fsync), store reads and signing run outside it, so officers working on different requests do not wait for
 * each other. A transition of a request claims it from its check to its audited completion (see {@link Claim}): a
 * second transition of the same request waits, then checks the state the first left (two approvals: one approves,
 * the other gets 409), so no transition is decided on a state another is changing.
 */
public final class DisclosureRequests {
    private static final String REQUEST = "request";

    private final RetentionView store;
    private final MetadataStore local;
    private final AuditGate gate;
    private final QueryRules rules;
    private final FourEyes fourEyes;
    private final ComplianceSettings settings;
    private final DeliverySigner signer;
    private final Clock clock;
    private final Witnesses witnesses;
    private final Object lock = new Object();
    /** Guarded by {@link #lock}. */
    private final Map<String, DisclosureRequest> byId = new LinkedHashMap<>();
    /** Requests with a transition between its check and its completion; guarded by {@link #lock}. */
    private final Set<String> claimed = new HashSet<>();

    DisclosureRequests(RetentionView store, MetadataStore local, AuditGate gate, QueryRules rules, FourEyes fourEyes,
                       ComplianceSettings settings, DeliverySigner signer, Clock clock, Witnesses witnesses) {
        this.store = store;
        this.local = local;
        this.witnesses = witnesses;
        this.gate = gate;
        this.rules = rules;
        this.fourEyes = fourEyes;
        this.settings = settings;
        this.signer = signer;
        this.clock = clock;
    }

    /**
     * Opens a request. {@code ctx} carries the authorisation's reference and legal type as case reference and legal
     * basis; {@code selector} what to disclose, with the timespan as {@code from} and {@code to} (both required).
     *
     * @throws ComplianceRefusal as for a query (audited)
     */
    public DisclosureRequest create(RequestContext ctx, QueryParameters selector) {
        String id = UUID.randomUUID().toString();
        Map<String, String> criteria = new LinkedHashMap<>(selector.asCriteria());
        criteria.put(REQUEST, id);
        AuditGate.Accepted<TrafficQuery> accepted = gate.accept(ctx, Action.REQUEST_CREATE, criteria, true, who -> {
            if (selector.from() == null) {
                throw Rejection.invalid("timespan.start", "an authorisation needs the start of its timespan");
            }
            if (selector.to() == null) {
                throw Rejection.invalid("timespan.end", "an authorisation needs the end of its timespan");
            }
            if (selector.limit() != null || selector.continuation() != null) {
                throw Rejection.invalid(selector.limit() != null ? "limit" : "continuation",
                        "a request discloses everything it selects; pages are a matter of its delivery");
            }
            TrafficQuery query = rules.toQuery(selector, holderOf(id));
            Instant now = clock.instant();
            if (!query.from().isBefore(now)) {
                throw Rejection.invalid("timespan.start", "the timespan starts in the future: a request discloses"
                        + " retained data, which exists only up to now");
            }
            // A request covers what exists when it is opened: an end in the future is brought to now, so that what
            // was counted for the four-eyes threshold is all it can ever disclose.
            return query.to().isAfter(now) ? new TrafficQuery(query.criterion(), query.from(), now, query.limit(),
                    null) : query;
        });
        TrafficQuery query = accepted.value();
        long expected = gate.run(accepted.entry(),
                () -> QueryRules.countUpTo(store, query, settings.fourEyesThreshold()));
        // Small enough on its own may still be over the threshold with what was disclosed of the subject before.
        try (FourEyes.Hold held = gate.run(accepted.entry(), () -> fourEyes.hold(query))) {
            boolean approval = !held.within();
            TaskState state = approval ? TaskState.AWAITING_APPROVAL : TaskState.AWAITING_DISCLOSURE;
            Map<String, String> result = new LinkedHashMap<>(Map.of("state", state.wireName(),
                    "expectedRecords", Long.toString(expected), "approvalRequired", Boolean.toString(approval),
                    "end", query.to().toString()));
            if (!approval) {
                // Disclosed on one officer's word: it counts towards the threshold of its subject.
                result.putAll(FourEyes.sliceOf(query));
            }
            AuditEntry done = gate.complete(accepted.entry(), 0, result);
            apply(done);
            fourEyes.completed(done, held);
            return find(id);
        }
    }

    /** One request. @throws ComplianceRefusal 404 if there is none (audited) */
    public DisclosureRequest get(RequestContext ctx, String id) {
        AuditGate.Accepted<DisclosureRequest> accepted = gate.accept(ctx, Action.REQUEST_READ, Map.of(REQUEST, id),
                false, who -> existing(id));
        gate.complete(accepted.entry(), 0);
        return accepted.value();
    }

    /**
     * A request's history as the audit log holds it: every entry of its workflow (opened, approved, rejected,
     * cancelled, delivered, exported), refused attempts included, oldest first; reads of it are left out. Readable by
     * whoever may read the request, and audited as such a read.
     *
     * @throws ComplianceRefusal 404 if there is none (audited)
     */
    public List<AuditEntry> history(RequestContext ctx, String id) {
        AuditGate.Accepted<DisclosureRequest> accepted = gate.accept(ctx, Action.REQUEST_READ,
                Map.of(REQUEST, id, "history", "true"), false, who -> existing(id));
        List<AuditEntry> entries = gate.run(accepted.entry(), () -> gate.read(0, Integer.MAX_VALUE,
                e -> e.action() != Action.REQUEST_READ && id.equals(e.criteria().get(REQUEST))));
        gate.complete(accepted.entry(), 0);
        return entries;
    }

    /** All requests, oldest first, optionally only those in one state (its wire name, e.g. AwaitingApproval). */
    public List<DisclosureRequest> list(RequestContext ctx, String state) {
        Map<String, String> criteria = state == null ? Map.of() : Map.of("state", state);
        AuditGate.Accepted<List<DisclosureRequest>> accepted = gate.accept(ctx, Action.REQUEST_READ, criteria, false,
                who -> {
                    TaskState wanted = state == null ? null : parseState(state);
                    synchronized (lock) {
                        return byId.values().stream().filter(r -> wanted == null || r.task().state() == wanted)
                                .toList();
                    }
                });
        gate.complete(accepted.entry(), 0);
        return accepted.value();
    }

    /**
     * A second officer approves a request awaiting approval.
     *
     * @throws ComplianceRefusal 403 for self-approval, 404, 409 if it is not awaiting approval (all audited)
     */
    public DisclosureRequest approve(RequestContext ctx, String id) {
        return decide(ctx, id, Action.REQUEST_APPROVE, TaskState.AWAITING_DISCLOSURE, (r, who) -> {
            requireState(r, TaskState.AWAITING_APPROVAL, "approved");
            if (who.tokenId().equals(r.createdBy())) {
                throw Rejection.forbidden("self-approval is refused: a second officer must approve request " + id);
            }
        });
    }

    /**
     * A second officer rejects a request awaiting approval.
     *
     * @throws ComplianceRefusal 403 if it is the officer's own (cancel it instead), 404, 409 (all audited)
     */
    public DisclosureRequest reject(RequestContext ctx, String id) {
        return decide(ctx, id, Action.REQUEST_REJECT, TaskState.REJECTED, (r, who) -> {
            requireState(r, TaskState.AWAITING_APPROVAL, "rejected");
            if (who.tokenId().equals(r.createdBy())) {
                throw Rejection.forbidden("a request is rejected by a second officer; cancel your own request " + id);
            }
        });
    }

    /**
     * Cancels a request that is not final.
     *
     * @throws ComplianceRefusal 404, 409 if it is disclosed, rejected or cancelled (all audited)
     */
    public DisclosureRequest cancel(RequestContext ctx, String id) {
        return decide(ctx, id, Action.REQUEST_CANCEL, TaskState.CANCELLED, (r, who) -> {
            if (r.task().state().isFinal()) {
                throw Rejection.conflict("request " + id + " is " + r.task().state().wireName()
                        + " and can no longer be cancelled");
            }
        });
    }

    /**
     * One page of the signed delivery of a request awaiting disclosure; the last page makes it disclosed.
     *
     * @param continuation the previous page's token, or null for the first page
     * @throws ComplianceRefusal 404, 409 unless awaiting disclosure, 400 for a bad token (all audited)
     */
    public Delivery deliver(RequestContext ctx, String id, String continuation) {
        Map<String, String> criteria = new LinkedHashMap<>();
        criteria.put(REQUEST, id);
        if (continuation != null) {
            criteria.put("continuation", continuation);
        }
        // A page moves the request on (pages delivered, the next token), so it is fetched under the request's claim.
        try (Claim claim = new Claim(id)) {
            AuditGate.Accepted<Page> accepted = gate.accept(onBehalfOf(ctx, find(id)),
                    Action.REQUEST_DELIVER, criteria, false, who -> claim.check(() -> {
                        DisclosureRequest r = existing(id);
                        requireState(r, TaskState.AWAITING_DISCLOSURE, "delivered");
                        if (!isNextPage(r, continuation) && !isLastPage(r, continuation)) {
                            throw Rejection.invalid("continuation", "continue request " + id + " with the token of"
                                    + " the last page delivered (header.continuation), or fetch that page again"
                                    + " with the token it was fetched with");
                        }
                        return new Page(r, queryOf(r, continuation));
                    }));
            DisclosureRequest r = accepted.value().request();
            TrafficQuery query = accepted.value().query();
            boolean repeat = !isNextPage(r, continuation);
            int pageNumber = repeat ? r.task().pagesDelivered() : r.task().pagesDelivered() + 1;
            Delivery delivery = gate.run(accepted.entry(), () -> {
                QueryPage page = rules.sealed(query, holderOf(id), store.query(query));
                return Delivery.signed(Delivery.Header.of(r, settings.providerId(), clock.instant(), pageNumber,
                        page), page.records(), signer);
            });
            String next = delivery.header().continuation();
            claim.complete(gate.complete(accepted.entry(), delivery.payload().records().size(), Map.of(
                    "state", (next == null ? TaskState.DISCLOSED : TaskState.AWAITING_DISCLOSURE).wireName(),
                    "next", next == null ? "" : next, "repeat", Boolean.toString(repeat))));
            return delivery;
        }
    }

    /**
     * One page of an approved (or small) request's records as an export package: the records with an inclusion
     * proof each, so the receiving authority can check them against the signed tree heads. Exports do not move the
     * request on; they may be fetched while it awaits disclosure and after it was disclosed.
     *
     * @param continuation the previous export page's token, or null for the first
     * @throws ComplianceRefusal 404, 409 while awaiting approval or once rejected or cancelled, 400 for a bad token
     */
    public ExportPackage export(RequestContext ctx, String id, String continuation) {
        Map<String, String> criteria = new LinkedHashMap<>();
        criteria.put(REQUEST, id);
        if (continuation != null) {
            criteria.put("continuation", continuation);
        }
        // An export does not move the request on: it is checked against the state as it is, and read without a claim.
        AuditGate.Accepted<TrafficQuery> accepted = gate.accept(onBehalfOf(ctx, find(id)), Action.REQUEST_EXPORT,
                criteria, false, who -> {
                    DisclosureRequest r = existing(id);
                    TaskState state = r.task().state();
                    if (state != TaskState.AWAITING_DISCLOSURE && state != TaskState.DISCLOSED) {
                        throw Rejection.conflict("request " + id + " is " + state.wireName() + "; only an approved"
                                + " request (AwaitingDisclosure or Disclosed) can be exported");
                    }
                    return queryOf(r, continuation);
                });
        ExportPackage pkg = gate.run(accepted.entry(), () -> ExportPackage.of(store, local, accepted.entry(),
                accepted.value(), rules.sealed(accepted.value(), holderOf(id), store.query(accepted.value())),
                clock.instant(), signer, witnesses));
        gate.complete(accepted.entry(), pkg.records().size());
        return pkg;
    }

    /** A delivery as checked: the request as it was, and the query of the page asked for. */
    private record Page(DisclosureRequest request, TrafficQuery query) {
    }

    /** The page after the last one delivered (the first page before any). */
    private static boolean isNextPage(DisclosureRequest r, String continuation) {
        return r.task().pagesDelivered() == 0 ? continuation == null
                : continuation != null && continuation.equals(r.task().nextContinuation());
    }

    /** The last page delivered again, for a client that lost it. */
    private static boolean isLastPage(DisclosureRequest r, String continuation) {
        return r.task().pagesDelivered() > 0 && Objects.equals(continuation, r.task().lastFetchedWith());
    }

    private interface Check {
        void accept(DisclosureRequest request, Principal who);
    }

    private DisclosureRequest decide(RequestContext ctx, String id, Action action, TaskState next, Check check) {
        try (Claim claim = new Claim(id)) {
            AuditGate.Accepted<DisclosureRequest> accepted = gate.accept(onBehalfOf(ctx, find(id)), action,
                    Map.of(REQUEST, id), false, who -> claim.check(() -> {
                        DisclosureRequest r = existing(id);
                        check.accept(r, who);
                        return r;
                    }));
            claim.complete(gate.complete(accepted.entry(), 0, Map.of("state", next.wireName())));
            return find(id);
        }
    }

    /**
     * A transition's hold on one request, from its check to its audited completion. {@link #check} waits while
     * another transition holds the request, then checks and claims it under the table lock; {@link #complete}
     * applies the completion entry; closing lets the next transition of the request check the state this one left,
     * also when this one was refused or failed.
     */
    private final class Claim implements AutoCloseable {
        private final String id;
        private boolean held;

        Claim(String id) {
            this.id = id;
        }

        <T> T check(Supplier<T> check) {
            synchronized (lock) {
                while (claimed.contains(id)) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw Rejection.conflict("request " + id + " is being changed; try again");
                    }
                }
                T value = check.get();
                claimed.add(id);
                held = true;
                return value;
            }
        }

        void complete(AuditEntry done) {
            apply(done);
        }

        @Override
        public void close() {
            if (held) {
                synchronized (lock) {
                    claimed.remove(id);
                    held = false;
                    lock.notifyAll();
                }
            }
        }
    }

    /** Decisions on a request are audited under its case, whatever the caller sent. */
    private static RequestContext onBehalfOf(RequestContext ctx, DisclosureRequest r) {
        return r == null ? ctx : new RequestContext(ctx.bearerToken(), r.authorisation().reference(),
                r.authorisation().legalType(), ctx.clientAddress());
    }

    private DisclosureRequest find(String id) {
        synchronized (lock) {
            return byId.get(id);
        }
    }

    private DisclosureRequest existing(String id) {
        DisclosureRequest r = find(id);
        if (r == null) {
            throw Rejection.notFound(REQUEST, "no disclosure request " + id);
        }
        return r;
    }

    private static void requireState(DisclosureRequest r, TaskState wanted, String verb) {
        if (r.task().state() != wanted) {
            throw Rejection.conflict("request " + r.id() + " is " + r.task().state().wireName() + "; only a request "
                    + wanted.wireName() + " can be " + verb);
        }
    }

    private static TaskState parseState(String state) {
        try {
            return TaskState.ofWireName(state);
        } catch (IllegalArgumentException e) {
            List<String> names = new ArrayList<>();
            for (TaskState s : TaskState.values()) {
                names.add(s.wireName());
            }
            throw Rejection.invalid("state", "state must be one of " + String.join(", ", names));
        }
    }

    /** The request's selection within its timespan, from {@code continuation} on. */
    private TrafficQuery queryOf(DisclosureRequest r, String continuation) {
        TrafficQuery first;
        try {
            first = rules.toQuery(selectorOf(r), holderOf(r.id()));
        } catch (Rejection e) {
            throw Rejection.conflict("the timespan of request " + r.id() + " is no longer inside the retention"
                    + " period: " + e.getMessage());
        }
        return rules.resume(first, continuation, holderOf(r.id()));
    }

    /** A request's pages are continued by whoever its workflow lets fetch them, so its tokens are bound to it. */
    private static String holderOf(String requestId) {
        return REQUEST + " " + requestId;
    }

    private static QueryParameters selectorOf(DisclosureRequest r) {
        Map<String, String> s = r.task().selector();
        DisclosureRequest.Timespan t = r.authorisation().timespan();
        return QueryParameters.selecting(s, t.start().toString(), t.end().toString());
    }

    /** Applies a completed workflow entry to the table: how it is rebuilt on start and kept up to date after. */
    void apply(AuditEntry entry) {
        synchronized (lock) {
            applyLocked(entry);
        }
    }

    private void applyLocked(AuditEntry entry) {
        AuditEvent e = entry.event();
        String id = e.criteria().get(REQUEST);
        if (e.outcome() != Outcome.COMPLETED || id == null) {
            return;
        }
        DisclosureRequest r = byId.get(id);
        switch (e.action()) {
            case REQUEST_CREATE -> {
                Map<String, String> selector = new LinkedHashMap<>(e.criteria());
                selector.remove(REQUEST);
                // The window is the authorisation's timespan; the selector is what is asked for within it.
                String from = selector.remove("from");
                String to = selector.remove("to");
                // The effective end (an end in the future was brought to the time of opening).
                Instant end = Instant.parse(e.result().getOrDefault("end", QueryRules.parseInstant("to", to)
                        .toString()));
                byId.put(id, new DisclosureRequest(id, new DisclosureRequest.Authorisation(e.caseReference(),
                        e.legalBasis(), new DisclosureRequest.Timespan(QueryRules.parseInstant("from", from), end),
                        Boolean.parseBoolean(e.result().get("approvalRequired")), null, null),
                        new DisclosureRequest.Task(Map.copyOf(selector),
                                TaskState.ofWireName(e.result().get("state")),
                                Long.parseLong(e.result().get("expectedRecords")), 0, 0, null, null, null),
                        e.tokenId(), entry.time()));
            }
            case REQUEST_APPROVE -> byId.put(id, r.approvedBy(e.tokenId()));
            case REQUEST_REJECT -> byId.put(id, r.rejectedBy(e.tokenId()));
            case REQUEST_CANCEL -> byId.put(id, r.cancelledBy(e.tokenId()));
            case REQUEST_DELIVER -> {
                if (!Boolean.parseBoolean(e.result().get("repeat"))) {
                    String next = e.result().getOrDefault("next", "");
                    byId.put(id, r.delivered(e.recordsDisclosed(), e.criteria().get("continuation"),
                            next.isEmpty() ? null : next));
                }
            }
            default -> {
                // other actions carry no workflow state
            }
        }
    }
}
