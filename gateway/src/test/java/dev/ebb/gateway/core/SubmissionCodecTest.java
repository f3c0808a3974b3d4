package dev.ebb.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ebb.metadata.Channel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SubmissionCodecTest {
    private static final OutboundMessage FULL = OutboundMessage.builder("0a1b2c", "demo").serviceType("CMT")
            .source(new SmppAddress((byte) 5, (byte) 0, "Ebb")).destination(SmppAddress.international("+4790000001"))
            .esmClass((byte) 0x40).priority((byte) 1).registeredDelivery((byte) 1).dataCoding((byte) 8)
            .shortMessage("\u00e9t\u00e9".getBytes(StandardCharsets.UTF_16BE)).messagePayload(new byte[] {1, 2, 3})
            .sar(new OutboundMessage.Sar(513, 3, 2)).expiry(Instant.parse("2026-03-04T10:00:00Z"))
            .deliverAt(Instant.parse("2026-03-01T11:00:00Z"))
            .contentRetention(ContentRetention.of(Duration.ofMinutes(90))).build();

    private static final Instant ACCEPTED_AT = Instant.parse("2026-03-01T10:00:00.123Z");

    @Test
    void everyFieldSurvivesTheRoundTrip() {
        Submission submission = new Submission(FULL, new Submission.Ingress(Channel.SMPP, "demo", "127.0.0.1"), ACCEPTED_AT);

        assertThat(SubmissionCodec.decode(SubmissionCodec.encode(submission))).isEqualTo(submission);
    }

    /** Issue 18: the customer's reference is kept with the message, so its records after a restart carry it. */
    @Test
    void theReferenceSurvivesTheRoundTrip() {
        Submission submission = new Submission(FULL, new Submission.Ingress(Channel.HTTP, null, "127.0.0.1", 0,
                "order 77 ✓"), ACCEPTED_AT);

        assertThat(SubmissionCodec.decode(SubmissionCodec.encode(submission))).isEqualTo(submission);
    }

    @Test
    void absentOptionalPartsStayAbsent() {
        OutboundMessage bare = OutboundMessage.builder("id", "c").source(SmppAddress.international("4790000001"))
                .destination(SmppAddress.international("4790000002")).build();

        Submission submission = new Submission(bare, new Submission.Ingress(Channel.HTTP, null, null), ACCEPTED_AT);

        Submission roundTripped = SubmissionCodec.decode(SubmissionCodec.encode(submission));
        OutboundMessage decoded = roundTripped.message();

        assertThat(roundTripped).isEqualTo(submission);
        assertThat(decoded.messagePayload()).isNull();
        assertThat(decoded.sar()).isNull();
        assertThat(decoded.expiry()).isNull();
        assertThat(decoded.deliverAt()).isNull();
    }

    @Test
    void eachContentRetentionSurvivesTheRoundTrip() {
        for (ContentRetention retention : new ContentRetention[] {ContentRetention.UNTIL_FINAL,
                ContentRetention.UNTIL_SUBMITTED, ContentRetention.of(Duration.ofMillis(1_500))}) {
            Submission submission = new Submission(FULL.toBuilder().contentRetention(retention).build(),
                    new Submission.Ingress(Channel.HTTP, null, null), ACCEPTED_AT);

            assertThat(SubmissionCodec.decode(SubmissionCodec.encode(submission)).message().contentRetention())
                    .isEqualTo(retention);
        }
    }

    /**
     * The vault keeps a duration in milliseconds: PT0.0001S was accepted over HTTP and sealed as 0 ms, which no
     * retention may be, so the message could not be opened again (at dispatch after a restart, or for replace_sm).
     */
    @Test
    void eachDurationTheApiAcceptsOpensAgainAfterSealing() {
        assertThat(ContentRetention.parse("PT0.001S").duration()).isEqualTo(Duration.ofMillis(1));
        for (String asked : new String[] {"PT0.0001S", "PT1.0005S", "PT0.000000001S", "PT0.001S", "PT72H"}) {
            ContentRetention retention;
            try {
                retention = ContentRetention.parse(asked);
            } catch (InvalidRetentionException refused) {
                continue;
            }
            Submission submission = new Submission(FULL.toBuilder().contentRetention(retention).build(),
                    new Submission.Ingress(Channel.HTTP, null, null), ACCEPTED_AT);
            assertThat(SubmissionCodec.decode(SubmissionCodec.encode(submission)).message().contentRetention())
                    .as(asked).isEqualTo(retention);
        }
    }

    /** Vault records sealed before per-message retention existed (version 2) still open, kept until final. */
    @Test
    void aVersionTwoRecordStillDecodesAsUntilFinal() {
        OutboundMessage untilFinal = FULL.toBuilder().contentRetention(ContentRetention.UNTIL_FINAL).build();
        byte[] v4 = SubmissionCodec.encode(new Submission(untilFinal, new Submission.Ingress(Channel.SMPP, "demo",
                "127.0.0.1"), ACCEPTED_AT));
        // Version 2 is version 4 without the trailing retention octet (0, until-final) and (empty) reference's length.
        byte[] v2 = Arrays.copyOf(v4, v4.length - 3);
        v2[0] = 2;

        assertThat(SubmissionCodec.decode(v2).message()).isEqualTo(untilFinal);
    }

    /** Vault records sealed before scheduling existed (version 1, no deliverAt) still open, as sent at once. */
    @Test
    void aVersionOneRecordStillDecodes() {
        OutboundMessage unscheduled = FULL.toBuilder().deliverAt(null).contentRetention(null).build();
        byte[] v4 = SubmissionCodec.encode(new Submission(unscheduled, new Submission.Ingress(Channel.SMPP, "demo",
                "127.0.0.1"), ACCEPTED_AT));
        // Version 1 is version 4 without the trailing deliverAt flag, retention octet and (empty) reference's length.
        byte[] v1 = Arrays.copyOf(v4, v4.length - 4);
        v1[0] = 1;

        Submission decoded = SubmissionCodec.decode(v1);

        assertThat(decoded.message()).isEqualTo(unscheduled);
        assertThat(decoded.message().deliverAt()).isNull();
    }

    /** Vault records sealed before references existed (version 3) still open, without one. */
    @Test
    void aVersionThreeRecordStillDecodesWithoutAReference() {
        Submission submission = new Submission(FULL, new Submission.Ingress(Channel.SMPP, "demo", "127.0.0.1"),
                ACCEPTED_AT);
        byte[] v4 = SubmissionCodec.encode(submission);
        byte[] v3 = Arrays.copyOf(v4, v4.length - 2);
        v3[0] = 3;

        assertThat(SubmissionCodec.decode(v3)).isEqualTo(submission);
    }

    @Test
    void truncatedBytesAreRefusedWithoutEchoingThem() {
        byte[] bytes = SubmissionCodec.encode(new Submission(FULL, new Submission.Ingress(Channel.SMPP, "demo", null), ACCEPTED_AT));

        assertThatThrownBy(() -> SubmissionCodec.decode(Arrays.copyOf(bytes, bytes.length - 5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated");
    }

    @Test
    void printingAMessageRevealsNeitherContentNorNumber() {
        assertThat(FULL.toString()).doesNotContain("4790000001").contains("4790***001");
    }
}
