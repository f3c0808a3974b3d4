package dev.ebb.gateway.southbound;

import java.util.concurrent.locks.LockSupport;

/** Spaces a bind's submits to at most {@code perSecond} (0 = unlimited), as operators contractually require. */
final class RateLimiter {
    private final long intervalNanos;
    private long next;

    RateLimiter(int perSecond) {
        this.intervalNanos = perSecond <= 0 ? 0 : 1_000_000_000L / perSecond;
    }

    void acquire() {
        if (intervalNanos == 0) {
            return;
        }
        long wait;
        synchronized (this) {
            long now = System.nanoTime();
            next = Math.max(next, now) + intervalNanos;
            wait = next - intervalNanos - now;
        }
        if (wait > 0) {
            LockSupport.parkNanos(wait);
        }
    }
}
