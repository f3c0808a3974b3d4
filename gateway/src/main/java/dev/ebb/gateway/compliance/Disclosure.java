package dev.ebb.gateway.compliance;

import dev.ebb.metadata.StoredRecord;
import dev.ebb.metadata.TrafficQuery;
import java.util.List;
import java.util.Optional;

/**
 * One page of traffic data disclosed for a case, after both its audit entries were written.
 *
 * @param requestId    the audit request id
 * @param query        the query as run
 * @param records      the records, in time order; traffic data only (the store holds no content)
 * @param continuation the token for the next page, empty on the last page
 * @param accepted     the audit entry written before the query ran
 * @param completed    the audit entry with the number of records disclosed
 */
public record Disclosure(String requestId, TrafficQuery query, List<StoredRecord> records,
                         Optional<String> continuation, AuditEntry accepted, AuditEntry completed) {
    /** Copies the list. */
    public Disclosure {
        records = List.copyOf(records);
    }
}
