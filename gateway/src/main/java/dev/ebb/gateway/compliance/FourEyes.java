package dev.ebb.gateway.compliance;

import dev.ebb.metadata.QueryPage;
import dev.ebb.metadata.RecordRef;
import dev.ebb.metadata.StoredRecord;
import dev.ebb.metadata.TrafficQuery;
import dev.ebb.model.Msisdn;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Four eyes (issue 5) that slicing cannot get past (issue 9): on one officer's word, at most {@code threshold} records
 * of one subject may be disclosed within {@code window}; more go through a disclosure request a second officer
 * approves.
 *
 * <p>The subjects of a disclosed record are the selector that found it (a number, a message id or a customer) and
 * every number in it, as source and as destination, whatever the selector: a message-id or customer query discloses
 * the numbers in its records as surely as a query for them, and so does a number query for the other party's number.
 * A number's records disclosed message by message, by its own number, by a counterpart's, by export or by a
 * disclosure request thus add up to one total, and the disclosure that would take it past the threshold is refused
 * like a query for the whole number. Each record counts once per subject, so the same slice asked for again adds
 * nothing while adjacent slices add up. A disclosure counts as the records its query selects over its whole window,
 * whether or not every page was fetched. The count is per subject across all officers and cases: a case reference is
 * free text the officer chooses, and a second officer taking the other half is two pairs of one eye each, not four
 * eyes. What a second officer approved (a request over the threshold) is not counted; a request that needed no
 * approval is, from the moment it is opened.
 *
 * <p>The audit log keeps only what it always kept: the completion entry of each disclosure names its selector and
 * window ({@link #sliceOf}), and on start the records each one selected are read again from the store to rebuild the
 * count. The numbers those records reveal are not written to the audit log, in clear or hashed: the store already
 * holds them (encrypted, and destroyed with their day), while the audit log outlives the traffic data and would
 * otherwise become a second, longer-lived record of who talked to whom. A disclosure in progress holds its records,
 * so that two officers asking for the two halves at the same moment cannot both pass. Reading a disclosure's records
 * stops after {@code threshold + 1}, the most any one disclosure on one officer's word can select.
 */
final class FourEyes {
    private static final String SUBJECT = "subject";
    private static final String ROLE = "role";
    private static final String FROM = "from";
    private static final String TO = "to";
    private static final String MSISDN = "msisdn:";

    private final RetentionView store;
    private final int threshold;
    private final Duration window;
    private final Clock clock;
    /** The completed disclosures within the window, by selection: every page of a query names the same slice. */
    private final Map<Slice, Completed> completed = new HashMap<>();
    /** By subject: each record disclosed (or being disclosed) within the window, and by how many disclosures. */
    private final Map<String, Map<RecordRef, Integer>> disclosed = new HashMap<>();

    FourEyes(RetentionView store, int threshold, Duration window, Clock clock) {
        this.store = store;
        this.threshold = threshold;
        this.window = window;
        this.clock = clock;
    }

    /** What one disclosure selected: its selector ({@link #subjectOf}), the role for a number, and its window. */
    private record Slice(String subject, TrafficQuery.Role role, Instant from, Instant to) {
        static Slice of(TrafficQuery query) {
            return new Slice(subjectOf(query.criterion()), roleOf(query.criterion()), query.from(), query.to());
        }

        Map<String, String> asResult() {
            return Map.of(SUBJECT, subject, ROLE, role.name(), FROM, from.toString(), TO, to.toString());
        }
    }

    /**
     * The records a slice selects, by subject, and how many it selects (counting stops past the threshold).
     *
     * @param bySubject each subject of the slice's records (its selector and the numbers in them) with its records
     * @param selected  the records read, at most {@code threshold + 1}
     */
    private record Revealed(Map<String, Set<RecordRef>> bySubject, long selected) {
    }

    /** A completed disclosure, counted until {@code at} is older than the window. */
    private record Completed(Instant at, Revealed revealed) {
    }

    /** A disclosure's records, held while the disclosure runs; closing it lets go (its completion counts on). */
    final class Hold implements AutoCloseable {
        private final Slice slice;
        private final Revealed revealed;
        private boolean released;

        private Hold(Slice slice, Revealed revealed) {
            this.slice = slice;
            this.revealed = revealed;
        }

        /** False when the disclosure, counted with the others of any of its subjects, is over the threshold. */
        boolean within() {
            return revealed != null;
        }

        @Override
        public void close() {
            synchronized (FourEyes.this) {
                if (revealed != null && !released) {
                    released = true;
                    remove(revealed);
                }
            }
        }
    }

    /**
     * Checks a direct disclosure (query, export, data-subject export) and holds its records.
     *
     * @throws Rejection approval required, if it is over the threshold together with the other disclosures of any of
     *                   its subjects
     */
    Hold admit(TrafficQuery query) {
        Hold hold = hold(query);
        if (!hold.within()) {
            // Which subject is over is not said: it may be a number in records this officer has not been shown.
            throw Rejection.approvalRequired("this disclosure would take the records of one subject over "
                    + threshold + ", the four-eyes threshold, counted together with what was disclosed of it on one"
                    + " officer's word in the last " + describe(window) + " (a subject is the number, message id or"
                    + " customer asked for, and every number in the records disclosed): create a disclosure request"
                    + " (POST /v1/requests) for a second officer to approve");
        }
        return hold;
    }

    /**
     * Reads what {@code query} selects, counts it together with what was disclosed of each of its subjects within the
     * window and, if that is within the threshold for every one, holds it.
     */
    Hold hold(TrafficQuery query) {
        Slice slice = Slice.of(query);
        // Outside the lock: it only reads the store. Checking and holding are one step under it.
        Revealed revealed = reveal(slice);
        synchronized (this) {
            prune(clock.instant());
            if (threshold == 0 || revealed.selected() > threshold || over(revealed)) {
                return new Hold(slice, null);
            }
            add(revealed);
            return new Hold(slice, revealed);
        }
    }

    /** What a completion entry says of a disclosure's slice, for {@link #apply}: its subject, role and window. */
    static Map<String, String> sliceOf(TrafficQuery query) {
        return Slice.of(query).asResult();
    }

    /** Writes the completion of a direct disclosure with its slice, whose records count from then on. */
    AuditEntry complete(AuditGate gate, AuditEntry accepted, Hold hold, long disclosed) {
        AuditEntry done = gate.complete(accepted, disclosed, hold.slice.asResult());
        completed(done, hold);
        return done;
    }

    /**
     * Counts the records of a held disclosure from its completion entry on, if that entry names its slice (a request
     * that waits for approval does not).
     */
    synchronized void completed(AuditEntry done, Hold hold) {
        if (hold.within() && done.event().result().containsKey(SUBJECT)) {
            put(hold.slice, new Completed(done.time(), hold.revealed));
        }
    }

    /**
     * Counts a completed disclosure found in the audit log on start, reading its records from the store again (once
     * per slice: later pages of the same query only move its time on).
     */
    void apply(AuditEntry entry) {
        Map<String, String> r = entry.event().result();
        if (entry.event().outcome() != Outcome.COMPLETED || r.get(SUBJECT) == null
                || entry.time().isBefore(clock.instant().minus(window))) {
            return;
        }
        Slice slice = new Slice(r.get(SUBJECT), TrafficQuery.Role.valueOf(r.get(ROLE)), Instant.parse(r.get(FROM)),
                Instant.parse(r.get(TO)));
        Completed known;
        synchronized (this) {
            known = completed.get(slice);
        }
        Revealed revealed = known != null ? known.revealed() : reveal(slice);
        synchronized (this) {
            put(slice, new Completed(entry.time(), revealed));
        }
    }

    private void put(Slice slice, Completed c) {
        add(c.revealed());
        Completed previous = completed.put(slice, c);
        if (previous != null) {
            remove(previous.revealed());
        }
    }

    private void prune(Instant now) {
        Instant oldest = now.minus(window);
        for (Iterator<Completed> it = completed.values().iterator(); it.hasNext(); ) {
            Completed c = it.next();
            if (c.at().isBefore(oldest)) {
                it.remove();
                remove(c.revealed());
            }
        }
    }

    /** True if, for any of its subjects, the records disclosed together with {@code r}'s exceed the threshold. */
    private boolean over(Revealed r) {
        for (Map.Entry<String, Set<RecordRef>> e : r.bySubject().entrySet()) {
            Map<RecordRef, Integer> known = disclosed.getOrDefault(e.getKey(), Map.of());
            long total = known.size() + e.getValue().stream().filter(ref -> !known.containsKey(ref)).count();
            if (total > threshold) {
                return true;
            }
        }
        return false;
    }

    private void add(Revealed r) {
        r.bySubject().forEach((subject, refs) -> {
            Map<RecordRef, Integer> known = disclosed.computeIfAbsent(subject, s -> new HashMap<>());
            refs.forEach(ref -> known.merge(ref, 1, Integer::sum));
        });
    }

    private void remove(Revealed r) {
        r.bySubject().forEach((subject, refs) -> {
            Map<RecordRef, Integer> known = disclosed.get(subject);
            refs.forEach(ref -> known.computeIfPresent(ref, (k, n) -> n == 1 ? null : n - 1));
            if (known.isEmpty()) {
                disclosed.remove(subject);
            }
        });
    }

    /**
     * The records {@code slice} selects over its whole window, by subject: its selector, and each number in them as
     * source or destination (a source is a number when the store indexes it as one). Stops past the threshold.
     */
    private Revealed reveal(Slice slice) {
        TrafficQuery page = new TrafficQuery(criterionOf(slice.subject(), slice.role()), slice.from(), slice.to(),
                (int) Math.min(threshold + 1L, TrafficQuery.MAX_LIMIT), null);
        Map<String, Set<RecordRef>> bySubject = new HashMap<>();
        long selected = 0;
        while (true) {
            QueryPage result = store.query(page);
            for (StoredRecord r : result.records()) {
                selected++;
                bySubject.computeIfAbsent(slice.subject(), s -> new HashSet<>()).add(r.ref());
                Msisdn.storedForm(r.record().destination()).ifPresent(n ->
                        bySubject.computeIfAbsent(MSISDN + n, s -> new HashSet<>()).add(r.ref()));
                r.record().source().msisdn().ifPresent(n ->
                        bySubject.computeIfAbsent(MSISDN + n.e164(), s -> new HashSet<>()).add(r.ref()));
            }
            if (selected > threshold || result.continuation().isEmpty()) {
                return new Revealed(bySubject, selected);
            }
            page = page.withContinuation(result.continuation().get());
        }
    }

    /** A number, a message id, a customer: what a query selects by, one of the subjects the threshold counts. */
    private static String subjectOf(TrafficQuery.Criterion c) {
        if (c instanceof TrafficQuery.ByMsisdn m) {
            return MSISDN + m.msisdn();
        }
        if (c instanceof TrafficQuery.ByMessageId m) {
            return "message:" + m.messageId();
        }
        return "customer:" + ((TrafficQuery.ByCustomer) c).customerId();
    }

    private static TrafficQuery.Role roleOf(TrafficQuery.Criterion c) {
        return c instanceof TrafficQuery.ByMsisdn m ? m.role() : TrafficQuery.Role.EITHER;
    }

    private static TrafficQuery.Criterion criterionOf(String subject, TrafficQuery.Role role) {
        String[] kindAndValue = subject.split(":", 2);
        return switch (kindAndValue[0]) {
            case "msisdn" -> new TrafficQuery.ByMsisdn(kindAndValue[1], role);
            case "message" -> new TrafficQuery.ByMessageId(kindAndValue[1]);
            default -> new TrafficQuery.ByCustomer(kindAndValue[1]);
        };
    }

    private static String describe(Duration d) {
        return d.toSeconds() % 86_400 == 0 ? d.toDays() + " days" : d.toString();
    }
}
