package dev.ebb.gateway.compliance;

import dev.ebb.metadata.MetadataStore;
import dev.ebb.metadata.TrafficQuery;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Four eyes (issue 5) that slicing cannot get past (issue 9): on one officer's word, at most {@code threshold} records
 * of one subject (a number, a message id or a customer) may be disclosed within {@code window}; more go through a
 * disclosure request a second officer approves.
 *
 * <p>A disclosure counts as the records its query selects over its whole window, whether or not every page was
 * fetched, as the threshold always has. The disclosures of a subject are counted together over the union of their
 * windows (and roles, for a number): adjacent slices add up, while the same slice asked for again discloses nothing
 * new and adds nothing. They are counted per subject across all officers and cases: a case reference is free text the
 * officer chooses, and a second officer taking the other half is two pairs of one eye each, not four eyes; counted per
 * officer or per case, slicing would still get through. What a second officer approved (a request over the
 * threshold) is not counted; a request that needed no approval is, from the moment it is opened.
 *
 * <p>The slices live in the audit log, in the completion entry of each disclosure ({@link #sliceOf}), and are rebuilt
 * from it on start. A disclosure in progress holds its slice, so that two officers asking for the two halves at the
 * same moment cannot both pass. Checks are serialised: compliance requests are few, and a check reads at most
 * {@code threshold + 1} records.
 */
final class FourEyes {
    private static final String SUBJECT = "subject";
    private static final String ROLE = "role";
    private static final String FROM = "from";
    private static final String TO = "to";
    /** Counting queries stay well inside the store's limit of 12 months per query window. */
    private static final Duration CHUNK = Duration.ofDays(180);

    private final MetadataStore store;
    private final int threshold;
    private final Duration window;
    private final Clock clock;
    /** By subject ({@link #subjectOf}): what was disclosed within the window, and what is being disclosed. */
    private final Map<String, List<Slice>> slices = new HashMap<>();

    FourEyes(MetadataStore store, int threshold, Duration window, Clock clock) {
        this.store = store;
        this.threshold = threshold;
        this.window = window;
        this.clock = clock;
    }

    /** The records of a subject one disclosure selected: a role (for a number) within a window, and when. */
    private record Slice(TrafficQuery.Role role, Instant from, Instant to, Instant at) {
    }

    /** A disclosure's slice, held while the disclosure runs; closing it lets go (its completion entry counts on). */
    final class Hold implements AutoCloseable {
        private final String subject;
        private final Slice slice;

        private Hold(String subject, Slice slice) {
            this.subject = subject;
            this.slice = slice;
        }

        /** False when the disclosure, counted with the subject's others, is over the threshold; nothing is held. */
        boolean within() {
            return slice != null;
        }

        @Override
        public void close() {
            if (slice != null) {
                release(subject, slice);
            }
        }
    }

    /**
     * Checks a direct disclosure (query, export, data-subject export) and holds its slice.
     *
     * @throws Rejection approval required, if it is over the threshold together with the subject's other slices
     */
    Hold admit(TrafficQuery query) {
        Hold hold = hold(query);
        if (!hold.within()) {
            throw Rejection.approvalRequired("this query selects more than " + threshold + " records, the four-eyes"
                    + " threshold, counted together with what was disclosed of the same subject on one officer's word"
                    + " in the last " + describe(window) + ": create a disclosure request (POST /v1/requests) for a"
                    + " second officer to approve");
        }
        return hold;
    }

    /**
     * Counts what {@code query} selects together with the slices of its subject within the window and, if that is
     * within the threshold, holds its slice.
     */
    synchronized Hold hold(TrafficQuery query) {
        Instant now = clock.instant();
        prune(now);
        String subject = subjectOf(query.criterion());
        Slice mine = new Slice(roleOf(query.criterion()), query.from(), query.to(), now);
        List<Slice> all = new ArrayList<>(slices.getOrDefault(subject, List.of()));
        all.add(mine);
        if (threshold == 0 || count(subject, all, threshold) > threshold) {
            return new Hold(subject, null);
        }
        slices.computeIfAbsent(subject, s -> new ArrayList<>()).add(mine);
        return new Hold(subject, mine);
    }

    /** What a completion entry says of a disclosure's slice, for {@link #apply}: its subject, role and window. */
    static Map<String, String> sliceOf(TrafficQuery query) {
        return Map.of(SUBJECT, subjectOf(query.criterion()), ROLE, roleOf(query.criterion()).name(),
                FROM, query.from().toString(), TO, query.to().toString());
    }

    /** Writes the completion of a direct disclosure with its slice, which counts from then on. */
    AuditEntry complete(AuditGate gate, AuditEntry accepted, TrafficQuery query, long disclosed) {
        AuditEntry done = gate.complete(accepted, disclosed, sliceOf(query));
        apply(done);
        return done;
    }

    /** Counts the slice of a completed disclosure: how the slices are rebuilt on start and kept up to date after. */
    synchronized void apply(AuditEntry entry) {
        Map<String, String> r = entry.event().result();
        String subject = r.get(SUBJECT);
        if (entry.event().outcome() != Outcome.COMPLETED || subject == null
                || entry.time().isBefore(clock.instant().minus(window))) {
            return;
        }
        Slice slice = new Slice(TrafficQuery.Role.valueOf(r.get(ROLE)), Instant.parse(r.get(FROM)),
                Instant.parse(r.get(TO)), entry.time());
        List<Slice> list = slices.computeIfAbsent(subject, s -> new ArrayList<>());
        // Every page of a query names the same slice: keep the latest, so the list grows with distinct slices only.
        list.removeIf(s -> s.role() == slice.role() && s.from().equals(slice.from()) && s.to().equals(slice.to()));
        list.add(slice);
    }

    private synchronized void release(String subject, Slice slice) {
        List<Slice> held = slices.get(subject);
        if (held != null) {
            // This hold's own slice: an equal one may be a completion's, which stays.
            held.removeIf(s -> s == slice);
            if (held.isEmpty()) {
                slices.remove(subject);
            }
        }
    }

    private void prune(Instant now) {
        Instant oldest = now.minus(window);
        slices.values().forEach(list -> list.removeIf(s -> s.at().isBefore(oldest)));
        slices.values().removeIf(List::isEmpty);
    }

    /**
     * The records of {@code subject} the slices select together, each counted once, stopping once more than
     * {@code atMost} are found. The timeline is cut at every slice's bounds; each piece is counted in the role the
     * slices covering it ask for (both roles if they differ), adjacent pieces of the same role in one run.
     */
    private long count(String subject, List<Slice> all, long atMost) {
        TreeSet<Instant> bounds = new TreeSet<>();
        for (Slice s : all) {
            bounds.add(s.from());
            bounds.add(s.to());
        }
        long total = 0;
        Instant previous = null;
        Instant runStart = null;
        TrafficQuery.Role runRole = null;
        for (Instant b : bounds) {
            if (previous != null) {
                TrafficQuery.Role role = coverage(all, previous, b);
                if (!Objects.equals(role, runRole)) {
                    if (runRole != null) {
                        total += countRun(subject, runRole, runStart, previous, atMost - total);
                        if (total > atMost) {
                            return total;
                        }
                    }
                    runStart = previous;
                    runRole = role;
                }
            }
            previous = b;
        }
        return runRole == null ? total : total + countRun(subject, runRole, runStart, previous, atMost - total);
    }

    /** The role the slices covering {@code [from, to)} select in, or null if none covers it. */
    private static TrafficQuery.Role coverage(List<Slice> all, Instant from, Instant to) {
        boolean source = false;
        boolean destination = false;
        for (Slice s : all) {
            if (!s.from().isAfter(from) && !s.to().isBefore(to)) {
                source |= s.role() != TrafficQuery.Role.DESTINATION;
                destination |= s.role() != TrafficQuery.Role.SOURCE;
            }
        }
        if (source && destination) {
            return TrafficQuery.Role.EITHER;
        }
        return source ? TrafficQuery.Role.SOURCE : destination ? TrafficQuery.Role.DESTINATION : null;
    }

    private long countRun(String subject, TrafficQuery.Role role, Instant from, Instant to, long atMost) {
        TrafficQuery.Criterion criterion = criterionOf(subject, role);
        long count = 0;
        for (Instant a = from; a.isBefore(to) && count <= atMost; ) {
            Instant b = a.plus(CHUNK).isBefore(to) ? a.plus(CHUNK) : to;
            count += QueryRules.countUpTo(store, new TrafficQuery(criterion, a, b, 1, null), atMost - count);
            a = b;
        }
        return count;
    }

    /** A number in whatever role, a message id, a customer: what the threshold is counted per. */
    private static String subjectOf(TrafficQuery.Criterion c) {
        if (c instanceof TrafficQuery.ByMsisdn m) {
            return "msisdn:" + m.msisdn();
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
