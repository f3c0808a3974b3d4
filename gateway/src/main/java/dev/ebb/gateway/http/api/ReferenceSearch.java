package dev.ebb.gateway.http.api;

import dev.ebb.gateway.config.CustomerConfig;
import dev.ebb.gateway.privacy.MessageHistory;
import dev.ebb.metadata.MetadataStore;
import dev.ebb.metadata.QueryPage;
import dev.ebb.metadata.StoredRecord;
import dev.ebb.metadata.TrafficQuery;
import dev.ebb.metadata.TrafficRecord;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /v1/messages?reference=…}: the customer's own segments sent with a reference in the last
 * {@link MessageHistory#WINDOW}, oldest first, each with its status as {@code GET /v1/messages/{id}} shows it, a page
 * of at most {@value #MAX_LIMIT} at a time. The store's index finds the segments (one ACCEPTED record each, keyed by
 * customer and reference), never a scan of the customer's traffic; each status is one more lookup by message id.
 *
 * <p>The page token is the window's end and the store's continuation ({@code <epoch ms>.<token>}): later pages read
 * the same window as the first, so a message accepted meanwhile neither shifts nor repeats them. The store binds its
 * token to the query, customer and reference included, so a token resumes only the search it came from.
 */
final class ReferenceSearch {
    /** The most segments of one page, and the default: each costs a status lookup. */
    static final int MAX_LIMIT = 100;

    private final MetadataStore store;
    private final MessageHistory history;
    private final Clock clock;

    ReferenceSearch(MetadataStore store, MessageHistory history, Clock clock) {
        this.store = store;
        this.history = history;
        this.clock = clock;
    }

    /**
     * A page of the search.
     *
     * @param messages the segments' statuses, oldest first
     * @param next     the token of the next page ({@code after}), or null on the last
     */
    record Page(List<MessageStatus> messages, String next) {
    }

    /**
     * @param limit page size as given, or null for {@value #MAX_LIMIT}
     * @param after the {@code next} token of the previous page, or null for the first
     * @throws ApiRefusal 400 naming {@code reference}, {@code limit} or {@code after}
     */
    Page find(CustomerConfig customer, String reference, String limit, String after) {
        if (reference == null) {
            throw ApiRefusal.invalid("reference", "reference is required: GET /v1/messages?reference=<your reference>");
        }
        ClientReference.check(reference);
        Instant now = clock.instant();
        // In whole milliseconds, as the page token carries it: the store binds its token to the window.
        Instant to = Instant.ofEpochMilli(now.toEpochMilli() + 1);
        String continuation = null;
        if (after != null) {
            int dot = after.indexOf('.');
            try {
                to = Instant.ofEpochMilli(Long.parseLong(after.substring(0, Math.max(dot, 0))));
            } catch (NumberFormatException e) {
                throw ApiRefusal.invalid("after", "after is not a page token of this search");
            }
            if (to.isAfter(now.plusMillis(1)) || to.isBefore(now.minus(MessageHistory.WINDOW))) {
                throw ApiRefusal.invalid("after", "after is not a page token of this search, or over "
                        + MessageHistory.WINDOW.toDays() + " days old");
            }
            continuation = after.substring(dot + 1);
        }
        TrafficQuery query = TrafficQuery.byReference(customer.id(), reference, to.minus(MessageHistory.WINDOW), to)
                .withLimit(pageSize(limit));
        QueryPage page;
        try {
            page = store.query(continuation == null ? query : query.withContinuation(continuation));
        } catch (IllegalArgumentException e) {
            throw ApiRefusal.invalid("after", "after is not a page token of this search");
        }
        List<MessageStatus> messages = new ArrayList<>(page.records().size());
        for (StoredRecord accepted : page.records()) {
            String id = accepted.record().messageId();
            List<TrafficRecord> records = history.of(customer.id(), id);
            // A segment at the far end of a later page's window may have aged out of the status lookup's window.
            if (!records.isEmpty()) {
                messages.add(MessageStatus.of(id, records));
            }
        }
        Instant end = to;
        return new Page(messages, page.continuation().map(t -> end.toEpochMilli() + "." + t).orElse(null));
    }

    private static int pageSize(String limit) {
        if (limit == null) {
            return MAX_LIMIT;
        }
        try {
            int n = Integer.parseInt(limit);
            if (n >= 1 && n <= MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException e) {
            // Refused below, as a number out of range is.
        }
        throw ApiRefusal.invalid("limit", "limit must be a whole number in 1.." + MAX_LIMIT);
    }
}
