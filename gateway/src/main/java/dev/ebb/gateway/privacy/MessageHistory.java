package dev.ebb.gateway.privacy;

import dev.ebb.metadata.MetadataStore;
import dev.ebb.metadata.StoredRecord;
import dev.ebb.metadata.TrafficQuery;
import dev.ebb.metadata.TrafficRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The traffic records of one customer's message, the one source of what became of it for the customer: the HTTP
 * API's status and SMPP's query_sm read it. A record of another customer is never among them.
 */
public final class MessageHistory {
    /** How far back a lookup reaches. */
    public static final Duration WINDOW = Duration.ofDays(30);

    private final MetadataStore store;
    private final Clock clock;

    public MessageHistory(MetadataStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** The customer's records of {@code messageId} from the last {@link #WINDOW}, oldest first; empty for none. */
    public List<TrafficRecord> of(String customerId, String messageId) {
        Instant now = clock.instant();
        try {
            return store.query(TrafficQuery.byMessageId(messageId, now.minus(WINDOW), now.plusMillis(1))).records()
                    .stream().map(StoredRecord::record).filter(r -> r.customerId().equals(customerId)).toList();
        } catch (IllegalArgumentException notAnId) {
            return List.of();
        }
    }
}
