package dev.ebb.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock tests move by hand, so 72 h or 12 months pass without a sleep. The one copy for both modules: the
 * metadata store's test jar carries it to the gateway's tests.
 */
public final class MutableClock extends Clock {
    private volatile Instant now;

    public MutableClock(Instant start) {
        this.now = start;
    }

    public void advance(Duration by) {
        now = now.plus(by);
    }

    public void set(Instant instant) {
        now = instant;
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    /** Ebb keeps time in UTC; another zone asked for is a bug the test should show. */
    @Override
    public Clock withZone(ZoneId zone) {
        if (!zone.normalized().equals(ZoneOffset.UTC)) {
            throw new UnsupportedOperationException("UTC only, not " + zone);
        }
        return this;
    }
}
