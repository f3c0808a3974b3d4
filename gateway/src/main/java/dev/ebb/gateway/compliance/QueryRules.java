package dev.ebb.gateway.compliance;

import dev.ebb.metadata.QueryPage;
import dev.ebb.metadata.TrafficQuery;
import dev.ebb.metadata.TrafficRecord;
import dev.ebb.model.Msisdn;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * How the parameters of a retention query become a {@link TrafficQuery}: one selector, a window inside the retention
 * period, a page no larger than the cap, a continuation token handed out for the same query. Each check names the
 * parameter it rejects.
 */
final class QueryRules {
    private static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");
    private final int maxRecordsPerPage;
    private final Period retention;
    private final ContinuationTokens tokens;
    private final Clock clock;

    QueryRules(int maxRecordsPerPage, Period retention, ContinuationTokens tokens, Clock clock) {
        if (maxRecordsPerPage < 1 || maxRecordsPerPage > TrafficQuery.MAX_LIMIT) {
            throw new IllegalArgumentException("maxRecordsPerPage must be 1.." + TrafficQuery.MAX_LIMIT);
        }
        this.maxRecordsPerPage = maxRecordsPerPage;
        this.retention = retention;
        this.tokens = tokens;
        this.clock = clock;
    }

    int maxRecordsPerPage() {
        return maxRecordsPerPage;
    }

    Period retention() {
        return retention;
    }

    /** The first day of the retention period today: older days have been destroyed. */
    LocalDate retentionStartDay() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).minus(retention);
    }

    /**
     * Parses and checks a query; the exception names the first bad field. A query with a continuation token is a later
     * page: its window is the first page's, which the token carries, and the token must have been handed out to
     * {@code holder} (see {@link #sealed}) for pages of the same limit.
     */
    TrafficQuery toQuery(QueryParameters p, String holder) {
        int selectors = (p.msisdn() != null ? 1 : 0) + (p.messageId() != null ? 1 : 0) + (p.customer() != null ? 1 : 0);
        if (selectors != 1) {
            throw Rejection.invalid(p.msisdn() != null ? "messageId" : "msisdn",
                    "exactly one of msisdn, messageId and customer is required, " + selectors + " given");
        }
        TrafficQuery.Criterion criterion = criterion(p);
        int limit = (int) Math.min(parseLong("limit", p.limit(), maxRecordsPerPage, 1, Integer.MAX_VALUE),
                maxRecordsPerPage);
        if (p.continuation() != null) {
            return continued(p, criterion, limit, holder);
        }
        Instant now = clock.instant();
        Instant retentionStart = LocalDate.ofInstant(now, ZoneOffset.UTC).minus(retention)
                .atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant to = p.to() == null ? now.plusMillis(1) : parseInstant("to", p.to());
        Instant from = p.from() == null ? max(retentionStart, to.atOffset(ZoneOffset.UTC).minus(retention)
                .toInstant()) : parseInstant("from", p.from());
        if (!to.isAfter(from)) {
            throw Rejection.invalid("to", "the window is inverted or empty: to (" + to + ") is not after from (" + from
                    + ")");
        }
        if (from.isBefore(retentionStart)) {
            throw Rejection.invalid("from", "from (" + from + ") is before the retention period, which starts at "
                    + retentionStart + "; older traffic data no longer exists");
        }
        try {
            return new TrafficQuery(criterion, from, to, limit, null);
        } catch (IllegalArgumentException e) {
            throw Rejection.invalid("to", "the window from " + from + " to " + to
                    + " is longer than the retention of traffic data");
        }
    }

    /**
     * A later page. The window is fixed at the first page (issue 9: a {@code to} that defaulted to "now" would have
     * moved on), so a {@code from} or {@code to} given again must repeat it. It is not checked against the retention
     * period again: it was inside it at the first page, and days that have expired since are simply gone.
     */
    private TrafficQuery continued(QueryParameters p, TrafficQuery.Criterion criterion, int limit, String holder) {
        ContinuationTokens.Opened token = open(p.continuation(), criterion, limit, holder);
        if (p.from() != null && !parseInstant("from", p.from()).equals(token.from())) {
            throw Rejection.invalid("from", "from differs from the window of the continuation token, fixed at the"
                    + " first page: " + token.from());
        }
        if (p.to() != null && !parseInstant("to", p.to()).equals(token.to())) {
            throw Rejection.invalid("to", "to differs from the window of the continuation token, fixed at the first"
                    + " page: " + token.to());
        }
        return new TrafficQuery(criterion, token.from(), token.to(), limit, token.cursor());
    }

    /**
     * {@code first} continued at {@code token} handed out to {@code holder} (a disclosure request's pages, whose window
     * is its timespan), or {@code first} itself without one.
     */
    TrafficQuery resume(TrafficQuery first, String token, String holder) {
        if (token == null) {
            return first;
        }
        ContinuationTokens.Opened opened = open(token, first.criterion(), first.limit(), holder);
        if (!opened.from().equals(first.from()) || !opened.to().equals(first.to())) {
            throw invalidToken();
        }
        return first.withContinuation(opened.cursor());
    }

    /**
     * The page with its continuation sealed for {@code query} and {@code holder}: what callers hand out. The holder is
     * the officer's token id for a direct query (another officer cannot continue it), the request for a disclosure
     * request's pages (whose workflow says who may fetch them).
     */
    QueryPage sealed(TrafficQuery query, String holder, QueryPage page) {
        return tokens.seal(query, holder, page);
    }

    private ContinuationTokens.Opened open(String token, TrafficQuery.Criterion criterion, int limit, String holder) {
        return tokens.open(token, criterion, limit, holder).orElseThrow(QueryRules::invalidToken);
    }

    private static Rejection invalidToken() {
        return Rejection.invalid("continuation", "continuation token is malformed, altered, belongs to another query"
                + " or limit, or was handed out to another officer");
    }

    private static TrafficQuery.Criterion criterion(QueryParameters p) {
        try {
            if (p.msisdn() != null) {
                return new TrafficQuery.ByMsisdn(Msisdn.normalise(p.msisdn()), parseRole(p.role()));
            }
            return p.messageId() != null ? new TrafficQuery.ByMessageId(p.messageId())
                    : new TrafficQuery.ByCustomer(p.customer());
        } catch (IllegalArgumentException e) {
            String field = p.msisdn() != null ? "msisdn" : p.messageId() != null ? "messageId" : "customer";
            throw Rejection.invalid(field, field.equals("msisdn")
                    ? "not an E.164 MSISDN (expected 8..15 digits, '+' or 00 in front optional): " + Msisdn.mask(p.msisdn())
                    : field + " must be 1.." + TrafficRecord.MAX_ID_LENGTH + " printable ASCII");
        }
    }

    private static TrafficQuery.Role parseRole(String role) {
        if (role == null) {
            return TrafficQuery.Role.EITHER;
        }
        try {
            return TrafficQuery.Role.valueOf(role.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw Rejection.invalid("role", "role must be source, destination or either");
        }
    }

    static Instant parseInstant(String field, String value) {
        try {
            Instant t = value.length() == 10 ? LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant()
                    : Instant.parse(value);
            // Far outside any retention period, and far enough from Instant's limits that window arithmetic holds.
            if (t.isBefore(EARLIEST) || t.isAfter(LATEST)) {
                throw Rejection.invalid(field, field + " must be between " + EARLIEST + " and " + LATEST);
            }
            return t;
        } catch (DateTimeParseException e) {
            throw Rejection.invalid(field, field + " must be an ISO-8601 instant (2025-03-01T00:00:00Z) or date"
                    + " (2025-03-01, UTC)");
        }
    }

    static LocalDate parseDate(String field, String value) {
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw Rejection.invalid(field, field + " must be an ISO-8601 date (2025-03-01)");
        }
    }

    static long parseLong(String field, String value, long dflt, long min, long max) {
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
        throw Rejection.invalid(field, field + " must be an integer " + min + ".." + max);
    }

    /**
     * Counts the records {@code query} selects over its whole window, stopping once more than {@code atMost} are
     * found: enough to tell whether a disclosure is over the four-eyes threshold without reading all of it.
     */
    static long countUpTo(RetentionView store, TrafficQuery query, long atMost) {
        long count = 0;
        // Pages of just over the bound: the answer is known once atMost + 1 records are seen, and this runs on every
        // page of every direct query.
        TrafficQuery page = query.withLimit((int) Math.min(atMost + 1, TrafficQuery.MAX_LIMIT)).withContinuation(null);
        while (true) {
            QueryPage result = store.query(page);
            count += result.records().size();
            if (count > atMost || result.continuation().isEmpty()) {
                return count;
            }
            page = page.withContinuation(result.continuation().get());
        }
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

}
