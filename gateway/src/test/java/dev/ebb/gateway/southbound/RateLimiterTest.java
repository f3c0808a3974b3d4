package dev.ebb.gateway.southbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A bind's TPS limit on an injected nanoTime: the slots it gives, never a measured speed. */
class RateLimiterTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void submitsAtOnceAreSpacedToThePerSecondRate() {
        AtomicLong now = new AtomicLong(1_000 * MS);
        RateLimiter limiter = new RateLimiter(20, now::get);

        assertThat(limiter.reserve()).isZero();
        assertThat(limiter.reserve()).isEqualTo(50 * MS);
        assertThat(limiter.reserve()).isEqualTo(100 * MS);
        now.addAndGet(100 * MS);
        assertThat(limiter.reserve()).isEqualTo(50 * MS);
    }

    /** A bind quiet for a while may not then send a second's worth at once: the limit holds over every second. */
    @Test
    void aQuietBindBuildsUpNoBurst() {
        AtomicLong now = new AtomicLong(0);
        RateLimiter limiter = new RateLimiter(20, now::get);
        limiter.reserve();

        now.addAndGet(10_000 * MS);
        assertThat(limiter.reserve()).isZero();
        assertThat(limiter.reserve()).isEqualTo(50 * MS);
    }

    /**
     * System.nanoTime's origin is arbitrary and may be negative (its javadoc): the first slot was taken from 0, so on
     * such a clock the first submit of a bind waited until nanoTime reached 0 (here 5,000 s).
     */
    @Test
    void theFirstSubmitGoesAtOnceWhateverTheNanoTimeOrigin() {
        AtomicLong now = new AtomicLong(-5_000_000 * MS);
        RateLimiter limiter = new RateLimiter(20, now::get);

        assertThat(limiter.reserve()).isZero();
        assertThat(limiter.reserve()).isEqualTo(50 * MS);
    }

    @Test
    void zeroIsUnlimited() {
        RateLimiter limiter = new RateLimiter(0, () -> 0);

        for (int i = 0; i < 1_000; i++) {
            assertThat(limiter.reserve()).isZero();
        }
    }
}
