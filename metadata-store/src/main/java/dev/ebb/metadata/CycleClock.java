package dev.ebb.metadata;

import java.time.Clock;

/**
 * The queue's time source. Chronicle chooses the cycle of an append from its own clock, so while the writer appends,
 * the time is pinned to the instant the writer chose the day by: Chronicle and the store then always agree on the
 * cycle, also when the store clock crosses midnight in between. Otherwise it is the store clock (rolls are UTC and
 * driven by the injected clock).
 */
final class CycleClock {
    private static final long NOT_PINNED = Long.MIN_VALUE;
    private final Clock clock;
    /** Set and cleared by the writer (under its lock); read by Chronicle on any thread. */
    private volatile long pinned = NOT_PINNED;

    CycleClock(Clock clock) {
        this.clock = clock;
    }

    long millis() {
        long p = pinned;
        return p != NOT_PINNED ? p : clock.millis();
    }

    void pin(long millis) {
        pinned = millis;
    }

    void unpin() {
        pinned = NOT_PINNED;
    }
}
