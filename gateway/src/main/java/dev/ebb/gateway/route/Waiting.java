package dev.ebb.gateway.route;

import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A message accepted and not yet taken by an SMSC connector's sending thread: while it waits (scheduled, or queued
 * behind an SMSC that is slow or down) the customer may still cancel or replace it. The sending thread's
 * {@link #claim} and the customer's {@link #end} decide, under this object's lock, which of them has it.
 */
final class Waiting {
    private enum State { WAITING, SENDING, ENDED }

    private final InFlight message;
    private final Instant deliverAt;
    private final long order;
    private State state = State.WAITING;

    /**
     * @param deliverAt not handed to a connector before this (null: at once)
     * @param order     tells apart, in the router's schedule, entries due at the same instant: the earlier first
     */
    Waiting(InFlight message, Instant deliverAt, long order) {
        this.message = message;
        this.deliverAt = deliverAt;
        this.order = order;
    }

    InFlight message() {
        return message;
    }

    Instant deliverAt() {
        return deliverAt;
    }

    long order() {
        return order;
    }

    /**
     * The sending thread takes the message to submit it; from now on it can no longer be cancelled or replaced. A
     * message the connector queues again after a transient failure is claimed again.
     *
     * @return empty once the message was cancelled, replaced or ended
     */
    synchronized Optional<InFlight> claim() {
        if (state == State.ENDED) {
            return Optional.empty();
        }
        state = State.SENDING;
        return Optional.of(message);
    }

    /**
     * Replaces the message while it still waits: {@code successor} seals the new content and gives the entry that
     * takes this one's place; this one then ends. Under the lock, so no sending thread claims the old content meanwhile.
     *
     * @return the successor; empty once a sending thread has the message or it ended (or its content is gone)
     */
    synchronized Optional<Waiting> replaceWith(Supplier<Optional<Waiting>> successor) {
        if (state != State.WAITING) {
            return Optional.empty();
        }
        Optional<Waiting> next = successor.get();
        next.ifPresent(n -> state = State.ENDED);
        return next;
    }

    /** Ends the message while it still waits (cancelled, replaced); false once a sending thread has it or it ended. */
    synchronized boolean endWaiting() {
        if (state != State.WAITING) {
            return false;
        }
        state = State.ENDED;
        return true;
    }

    /** The connector is done with it (submitted or failed); false if the customer ended it first. */
    synchronized boolean end() {
        if (state == State.ENDED) {
            return false;
        }
        state = State.ENDED;
        return true;
    }

    synchronized boolean isEnded() {
        return state == State.ENDED;
    }

    synchronized boolean isWaiting() {
        return state == State.WAITING;
    }
}
