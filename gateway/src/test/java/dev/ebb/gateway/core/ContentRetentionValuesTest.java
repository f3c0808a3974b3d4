package dev.ebb.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Issue 18: the words and octets a customer asks for a content retention with, and what they mean. */
class ContentRetentionValuesTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    @Test
    void theHttpWordsAndDurationsAreRead() {
        assertThat(ContentRetention.parse("until-final")).isEqualTo(ContentRetention.UNTIL_FINAL);
        assertThat(ContentRetention.parse("until-submitted")).isEqualTo(ContentRetention.UNTIL_SUBMITTED);
        assertThat(ContentRetention.parse("PT72H").duration()).isEqualTo(Duration.ofHours(72));
        assertThat(ContentRetention.parse("P3D").duration()).isEqualTo(Duration.ofHours(72));
        assertThat(ContentRetention.parse("PT1M").deadline(T0)).isEqualTo(T0.plusSeconds(60));
        assertThat(ContentRetention.UNTIL_SUBMITTED.deadline(T0)).isNull();
        assertThat(ContentRetention.parse("PT1M30S").toString()).isEqualTo("PT1M30S");
    }

    @Test
    void overSeventyTwoHoursZeroNegativeOrUnknownIsRefused() {
        for (String bad : new String[] {"PT72H0.001S", "P4D", "PT0S", "-PT1M", "until-read", "UNTIL-FINAL", ""}) {
            assertThatThrownBy(() -> ContentRetention.parse(bad)).as(bad).isInstanceOf(InvalidRetentionException.class);
        }
    }

    /** ebb_content_retention (0x1410): 1 octet 0 or 1, or 4 octets of seconds, big-endian. */
    @Test
    void theSmppParameterIsReadAndWrittenAsReadmeSays() {
        assertThat(ContentRetention.fromTlv(new byte[] {0})).isEqualTo(ContentRetention.UNTIL_FINAL);
        assertThat(ContentRetention.fromTlv(new byte[] {1})).isEqualTo(ContentRetention.UNTIL_SUBMITTED);
        assertThat(ContentRetention.fromTlv(new byte[] {0, 0, 0x0E, 0x10})).isEqualTo(
                ContentRetention.of(Duration.ofHours(1)));
        assertThat(ContentRetention.of(Duration.ofHours(72)).toTlv()).containsExactly(0, 3, 0xF4, 0x80);
        assertThat(ContentRetention.UNTIL_SUBMITTED.toTlv()).containsExactly(1);

        assertThatThrownBy(() -> ContentRetention.fromTlv(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
                (byte) 0xFF})).isInstanceOf(InvalidRetentionException.class)
                .satisfies(e -> assertThat(((InvalidRetentionException) e).length()).isFalse());
        assertThatThrownBy(() -> ContentRetention.fromTlv(new byte[] {2})).isInstanceOf(InvalidRetentionException.class);
        assertThatThrownBy(() -> ContentRetention.fromTlv(new byte[0])).isInstanceOf(InvalidRetentionException.class)
                .satisfies(e -> assertThat(((InvalidRetentionException) e).length()).isTrue());
    }
}
