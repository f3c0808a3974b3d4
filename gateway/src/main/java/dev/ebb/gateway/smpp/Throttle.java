package dev.ebb.gateway.smpp;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A customer's submit rate over all of its binds, as a lock-free generic cell rate algorithm: at most
 * {@code perSecond} on average, with bursts of up to one second's worth.
 */
final class Throttle {
    /** Changes when a cluster re-divides the customer's rate among its nodes. */
    private volatile long intervalNanos;
    private final long burstNanos;
    private final LongSupplier nanoTime;
    private final AtomicLong theoreticalArrival;

    Throttle(int perSecond, LongSupplier nanoTime) {
        this.intervalNanos = interval(perSecond);
        this.burstNanos = 1_000_000_000L;
        this.nanoTime = nanoTime;
        this.theoreticalArrival = new AtomicLong(nanoTime.getAsLong());
    }

    /** From now on at most {@code perSecond} on average (above 0; a fraction is a submit every few seconds). */
    void rate(double perSecond) {
        intervalNanos = interval(perSecond);
    }

    private static long interval(double perSecond) {
        return Math.max(1, (long) (1_000_000_000L / perSecond));
    }

    boolean tryAcquire() {
        return tryAcquire(1);
    }

    /**
     * Takes {@code n} submits at once (the segments of one HTTP message). More than a second's worth is allowed only
     * from a full bucket, so a long message is never refused for ever, but it empties the bucket.
     */
    boolean tryAcquire(int n) {
        long cost = intervalNanos * n;
        while (true) {
            long now = nanoTime.getAsLong();
            long tat = theoreticalArrival.get();
            long next = Math.max(tat, now) + cost;
            if (next - now > Math.max(burstNanos, cost)) {
                return false;
            }
            if (theoreticalArrival.compareAndSet(tat, next)) {
                return true;
            }
        }
    }
}
