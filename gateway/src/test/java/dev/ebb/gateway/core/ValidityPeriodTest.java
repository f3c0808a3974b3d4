package dev.ebb.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class ValidityPeriodTest {
    private static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");
    private static final Duration MAX = Duration.ofHours(71);

    @Test
    void absoluteTimeInUtc() {
        assertThat(ValidityPeriod.parse("260310140000000+", NOW)).contains(Instant.parse("2026-03-10T14:00:00Z"));
    }

    @Test
    void absoluteTimeKeepsTenths() {
        assertThat(ValidityPeriod.parse("260310140000700+", NOW)).contains(Instant.parse("2026-03-10T14:00:00.7Z"));
    }

    @Test
    void positiveOffsetMeansLocalTimeAheadOfUtc() {
        // 15:00 local at UTC+1 (04 quarter hours) is 14:00 UTC.
        assertThat(ValidityPeriod.parse("260310150000004+", NOW)).contains(Instant.parse("2026-03-10T14:00:00Z"));
    }

    @Test
    void negativeOffsetMeansLocalTimeBehindUtc() {
        // 09:00 local at UTC-5 (20 quarter hours) is 14:00 UTC.
        assertThat(ValidityPeriod.parse("260310090000020-", NOW)).contains(Instant.parse("2026-03-10T14:00:00Z"));
    }

    @Test
    void relativeTimeCountsFromNow() {
        assertThat(ValidityPeriod.parse("000001023005000R", NOW)).contains(Instant.parse("2026-03-11T14:30:05Z"));
    }

    @ParameterizedTest
    @NullAndEmptySource
    void emptyFieldIsNoTime(String field) {
        assertThat(ValidityPeriod.parse(field, NOW)).isEmpty();
    }

    @ParameterizedTest
    @NullAndEmptySource
    void emptyValidityGetsTheMaximum(String field) {
        assertThat(ValidityPeriod.expiry(field, NOW, MAX)).isEqualTo(NOW.plus(MAX));
    }

    @Test
    void validityWithinMaximumIsKept() {
        assertThat(ValidityPeriod.expiry("000000010000000R", NOW, MAX)).isEqualTo(NOW.plus(Duration.ofHours(1)));
    }

    @Test
    void validityBeyondMaximumIsCapped() {
        assertThat(ValidityPeriod.expiry("000007000000000R", NOW, MAX)).isEqualTo(NOW.plus(MAX));
        assertThat(ValidityPeriod.expiry("991231235959000+", NOW, MAX)).isEqualTo(NOW.plus(MAX));
    }

    @Test
    void pastValidityIsRefused() {
        assertThatThrownBy(() -> ValidityPeriod.expiry("260310115959000+", NOW, MAX))
                .isInstanceOf(InvalidValidityException.class)
                .hasMessageContaining("past");
    }

    @Test
    void zeroRelativeValidityIsRefused() {
        assertThatThrownBy(() -> ValidityPeriod.expiry("000000000000000R", NOW, MAX))
                .isInstanceOf(InvalidValidityException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "26031014000000+",   // 15 characters
        "2603101400000000+", // 17 characters
        "26031014000000A+",  // letter
        "260310140000000Z",  // bad p
        "261310140000000+",  // month 13
        "260230140000000+",  // 30 February
        "260310250000000+",  // hour 25
        "260310140000049+",  // offset beyond 48 quarter hours
        "000001000000100R",  // relative with tenths
    })
    void malformedTimesAreRefused(String field) {
        assertThatThrownBy(() -> ValidityPeriod.expiry(field, NOW, MAX)).isInstanceOf(InvalidValidityException.class);
    }

    @Test
    void formatWritesUtcAbsoluteTime() {
        assertThat(ValidityPeriod.format(Instant.parse("2026-03-10T14:05:09.75Z"))).isEqualTo("260310140509700+");
    }

    @Test
    void formatRoundTripsThroughParse() {
        Instant t = Instant.parse("2031-12-31T23:59:59.100Z");
        assertThat(ValidityPeriod.parse(ValidityPeriod.format(t), NOW)).contains(t);
    }

    @Test
    void formatRefusesYearsOutsideTwoDigits() {
        assertThatThrownBy(() -> ValidityPeriod.format(Instant.parse("2100-01-01T00:00:00Z")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
