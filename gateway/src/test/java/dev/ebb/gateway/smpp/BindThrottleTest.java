package dev.ebb.gateway.smpp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.testing.MutableClock;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Failed-bind locks on a hand-moved clock (issue 9, item 12). */
class BindThrottleTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private final BindThrottle throttle = new BindThrottle(clock);

    @Test
    void fiveFailuresAreFreeThenEachWaitsForALockThatDoubles() throws Exception {
        InetAddress a = InetAddress.getByName("127.0.0.1");
        assertThat(attempts("alpha", a, BindThrottle.FREE_PER_ACCOUNT)).isEqualTo(BindThrottle.FREE_PER_ACCOUNT);
        assertThat(throttle.locked("alpha", a)).isTrue();
        assertThat(throttle.tryAttempt("alpha", a)).isFalse();

        clock.advance(Duration.ofSeconds(1));
        assertThat(throttle.tryAttempt("alpha", a)).isTrue();
        clock.advance(Duration.ofMillis(1999));
        assertThat(throttle.tryAttempt("alpha", a)).as("the second lock lasts 2 s").isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(throttle.tryAttempt("alpha", a)).isTrue();
    }

    @Test
    void theLockIsAtMostFifteenMinutes() throws Exception {
        InetAddress a = InetAddress.getByName("127.0.0.1");
        for (int i = 0; i < 40; i++) {
            throttle.tryAttempt("alpha", a);
            clock.advance(BindThrottle.MAX_LOCK);
        }
        assertThat(throttle.tryAttempt("alpha", a)).isTrue();
        assertThat(throttle.locked("alpha", a)).isTrue();
    }

    @Test
    void failuresAnHourOldAreForgotten() throws Exception {
        InetAddress a = InetAddress.getByName("127.0.0.1");
        attempts("alpha", a, BindThrottle.FREE_PER_ACCOUNT);
        clock.advance(BindThrottle.FORGET_AFTER.plusSeconds(1));
        // Forgetting happens on a sweep, every 1,024 attempts; these come from elsewhere.
        InetAddress other = InetAddress.getByName("127.0.0.9");
        for (int i = 0; i < 1024; i++) {
            throttle.tryAttempt("other", other);
            throttle.succeeded("other", other);
        }

        assertThat(attempts("alpha", a, BindThrottle.FREE_PER_ACCOUNT)).isEqualTo(BindThrottle.FREE_PER_ACCOUNT);
    }

    @Test
    void aLockOnOneAddressLeavesTheSameSystemIdFromAnotherFree() throws Exception {
        InetAddress attacker = InetAddress.getByName("127.0.0.1");
        attempts("alpha", attacker, 100);

        assertThat(throttle.locked("alpha", attacker)).isTrue();
        assertThat(throttle.locked("alpha", InetAddress.getByName("127.0.0.2"))).isFalse();
    }

    @Test
    void manySystemIdsFromOneAddressLockTheAddress() throws Exception {
        InetAddress a = InetAddress.getByName("127.0.0.1");
        for (int i = 0; i < BindThrottle.FREE_PER_ADDRESS; i++) {
            assertThat(throttle.tryAttempt("guess" + i, a)).isTrue();
        }

        assertThat(throttle.tryAttempt("another", a)).isFalse();
        assertThat(throttle.locked("another", InetAddress.getByName("127.0.0.2"))).isFalse();
    }

    @Test
    void theRightPasswordClearsTheAccountsCount() throws Exception {
        InetAddress a = InetAddress.getByName("127.0.0.1");
        attempts("alpha", a, BindThrottle.FREE_PER_ACCOUNT);
        throttle.succeeded("alpha", a);

        assertThat(throttle.locked("alpha", a)).isFalse();
        assertThat(attempts("alpha", a, BindThrottle.FREE_PER_ACCOUNT)).isEqualTo(BindThrottle.FREE_PER_ACCOUNT);
    }

    @Test
    void anIpv6ClientIsCountedByItsSlash64() throws Exception {
        for (int i = 0; i < BindThrottle.FREE_PER_ACCOUNT; i++) {
            throttle.tryAttempt("alpha", InetAddress.getByName("2001:db8:1:2::" + Integer.toHexString(i + 1)));
        }

        assertThat(throttle.locked("alpha", InetAddress.getByName("2001:db8:1:2:ffff::1"))).isTrue();
        assertThat(throttle.locked("alpha", InetAddress.getByName("2001:db8:1:3::1"))).isFalse();
    }

    /** Makes {@code n} attempts that do not succeed; returns how many were admitted. */
    private int attempts(String systemId, InetAddress from, int n) {
        int admitted = 0;
        for (int i = 0; i < n; i++) {
            admitted += throttle.tryAttempt(systemId, from) ? 1 : 0;
        }
        return admitted;
    }
}
