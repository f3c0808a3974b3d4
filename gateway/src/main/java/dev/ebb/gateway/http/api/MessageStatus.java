package dev.ebb.gateway.http.api;

import java.time.Instant;
import java.util.List;

/**
 * What became of a segment, as {@code GET /v1/messages/{id}} shows it: its traffic events, never its content.
 *
 * @param id     Ebb's message id
 * @param state  the latest event: ACCEPTED, SUBMITTED, DELIVERED, UNDELIVERABLE, EXPIRED, …
 * @param finished true when nothing more will happen to it
 * @param events every event, oldest first
 */
record MessageStatus(String id, String state, boolean finished, List<Event> events) {
    /**
     * @param event     what happened
     * @param at        when
     * @param errorCode the network's error code (receipts), 0 otherwise
     */
    record Event(String event, Instant at, int errorCode) {
    }
}
