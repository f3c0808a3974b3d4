package dev.ebb.metadata;

import java.util.List;
import java.util.Optional;

/**
 * One page of query results, in time order, at most the query's limit.
 *
 * @param records      the matching records
 * @param continuation an opaque token for the next page ({@link TrafficQuery#withContinuation(String)}), empty when
 *                     this is the last page
 */
public record QueryPage(List<StoredRecord> records, Optional<String> continuation) {
    /** Copies the list. */
    public QueryPage {
        records = List.copyOf(records);
    }
}
