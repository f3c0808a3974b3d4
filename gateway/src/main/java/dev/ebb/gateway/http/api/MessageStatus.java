package dev.ebb.gateway.http.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.ebb.metadata.EventType;
import dev.ebb.metadata.TrafficRecord;
import java.time.Instant;
import java.util.List;

/**
 * What became of a segment, as {@code GET /v1/messages/{id}} shows it: its traffic events, never its content.
 *
 * @param id     Ebb's message id
 * @param state  the latest event: ACCEPTED, SUBMITTED, DELIVERED, UNDELIVERABLE, EXPIRED, …
 * @param finished true when nothing more will happen to it
 * @param events every event, oldest first
 * @param reference the customer's reference given when it was sent, or null (then absent from the JSON)
 */
record MessageStatus(String id, String state, boolean finished, List<Event> events,
                     @JsonInclude(JsonInclude.Include.NON_NULL) String reference) {
    /** The status of {@code messageId} from its records, oldest first (at least one). */
    static MessageStatus of(String messageId, List<TrafficRecord> records) {
        List<Event> events = records.stream().filter(r -> !r.eventType().isReceiptEvent())
                .map(r -> new Event(r.eventType().name(), r.eventTime(), r.errorCode())).toList();
        EventType state = records.stream().map(TrafficRecord::eventType).filter(e -> !e.leavesStateAsIs())
                .reduce((first, second) -> second).orElseThrow();
        return new MessageStatus(messageId, state.name(), state.isFinal(), events,
                records.get(0).reference());
    }

    /**
     * @param event     what happened
     * @param at        when
     * @param errorCode the network's error code (receipts), 0 otherwise
     */
    record Event(String event, Instant at, int errorCode) {
    }
}
