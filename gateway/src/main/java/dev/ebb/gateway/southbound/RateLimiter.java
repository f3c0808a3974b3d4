package dev.ebb.gateway.southbound;

import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Spaces a bind's submits to at most {@code perSecond} (0 = unlimited), as operators contractually require: each
 * submit takes the next slot on a grid {@code 1/perSecond} apart, never one in the past, so a quiet bind builds up no
 * burst.
 */
final class RateLimiter {
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    /** The next free slot, in {@link #nanoTime}'s terms. */
    private long next;

    RateLimiter(int perSecond) {
        this(perSecond, System::nanoTime);
    }

    /** @param nanoTime {@link System#nanoTime} but in a test: its origin is arbitrary, possibly negative */
    RateLimiter(int perSecond, LongSupplier nanoTime) {
        this.intervalNanos = perSecond <= 0 ? 0 : 1_000_000_000L / perSecond;
        this.nanoTime = nanoTime;
        this.next = nanoTime.getAsLong();
    }

    /** Waits for the next slot. */
    void acquire() {
        long wait = reserve();
        if (wait > 0) {
            LockSupport.parkNanos(wait);
        }
    }

    /** Takes the next slot; returns how long until it comes, 0 when it is now. */
    synchronized long reserve() {
        if (intervalNanos == 0) {
            return 0;
        }
        long now = nanoTime.getAsLong();
        // nanoTime values are compared by their difference only (its javadoc): they may be negative, and wrap.
        long slot = next - now > 0 ? next : now;
        next = slot + intervalNanos;
        return slot - now;
    }
}
