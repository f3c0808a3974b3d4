package dev.ebb.gateway.smpp;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Counts an event and says when to log it: at most once per interval, with how many happened since the last line.
 * A peer that makes the same thing go wrong thousands of times a second must not become a flood of log lines.
 */
final class LogLimiter {
    private final Clock clock;
    private final Duration interval;
    private Instant nextLine = Instant.MIN;
    private long unlogged;

    LogLimiter(Clock clock, Duration interval) {
        this.clock = clock;
        this.interval = interval;
    }

    /** Counts one event; returns 0 when it goes unlogged, else the events to report, this one included. */
    synchronized long count() {
        unlogged++;
        Instant now = clock.instant();
        if (now.isBefore(nextLine)) {
            return 0;
        }
        nextLine = now.plus(interval);
        long report = unlogged;
        unlogged = 0;
        return report;
    }
}
