package dev.ebb.gateway.smpp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The shared submit rate, on a hand-moved nanosecond clock. */
class ThrottleTest {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @Test
    void aSecondsWorthGoesAtOnceThenOneEveryInterval() {
        Throttle throttle = new Throttle(10, nanos::get);

        for (int i = 0; i < 10; i++) {
            assertThat(throttle.tryAcquire()).as("submit " + i).isTrue();
        }
        assertThat(throttle.tryAcquire()).isFalse();
        nanos.addAndGet(100_000_000L);
        assertThat(throttle.tryAcquire()).isTrue();
        assertThat(throttle.tryAcquire()).isFalse();
    }

    @Test
    void eachSegmentOfALongMessageCountsAsASubmit() {
        Throttle throttle = new Throttle(10, nanos::get);

        assertThat(throttle.tryAcquire(6)).isTrue();
        assertThat(throttle.tryAcquire(6)).as("12 segments within a second at 10/s").isFalse();
        assertThat(throttle.tryAcquire(4)).isTrue();
        assertThat(throttle.tryAcquire()).isFalse();
    }

    @Test
    void aMessageLongerThanASecondsWorthGoesFromAFullBucketAndEmptiesIt() {
        Throttle throttle = new Throttle(10, nanos::get);

        assertThat(throttle.tryAcquire(25)).isTrue();
        assertThat(throttle.tryAcquire()).isFalse();
        // 2.5 s of submits taken at once: one second later, 1.5 s are still owed, more than the burst allows.
        nanos.addAndGet(1_000_000_000L);
        assertThat(throttle.tryAcquire()).as("still paying off the long message").isFalse();
        nanos.addAndGet(1_000_000_000L);
        assertThat(throttle.tryAcquire()).isTrue();
    }
}
