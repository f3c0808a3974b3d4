package dev.ebb.gateway.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Counts an event and logs it at most once per interval, with how many happened since the last line: a peer that
 * makes the same thing go wrong thousands of times a second must not become a flood of log lines. Events after a
 * line are reported when the interval ends even if no more follow, so none goes unlogged. In core so that every
 * stage may use it (receipts, ingress refusals, MO refusals).
 */
public final class LogLimiter {
    /** Writes one line. */
    @FunctionalInterface
    public interface Line {
        /** @param last what the last of them was about (a message id) */
        void write(long events, String last);
    }

    private final Clock clock;
    private final Duration interval;
    private final ScheduledExecutorService scheduler;
    private final Line line;
    private Instant nextLine = Instant.MIN;
    private long unlogged;
    private String last;
    private boolean reportScheduled;

    public LogLimiter(Clock clock, Duration interval, ScheduledExecutorService scheduler, Line line) {
        this.clock = clock;
        this.interval = interval;
        this.scheduler = scheduler;
        this.line = line;
    }

    /** @param about what this event was about; the line names the last one */
    public void count(String about) {
        long report;
        String reportLast;
        synchronized (this) {
            unlogged++;
            last = about;
            Instant now = clock.instant();
            if (now.isBefore(nextLine)) {
                if (!reportScheduled) {
                    reportScheduled = true;
                    scheduler.schedule(this::report, Duration.between(now, nextLine).toMillis(), TimeUnit.MILLISECONDS);
                }
                return;
            }
            nextLine = now.plus(interval);
            report = unlogged;
            reportLast = last;
            unlogged = 0;
        }
        line.write(report, reportLast);
    }

    private void report() {
        long report;
        String reportLast;
        synchronized (this) {
            reportScheduled = false;
            if (unlogged == 0) {
                return;
            }
            nextLine = clock.instant().plus(interval);
            report = unlogged;
            reportLast = last;
            unlogged = 0;
        }
        line.write(report, reportLast);
    }
}
