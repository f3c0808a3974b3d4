package dev.ebb.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ebb.metadata.Channel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SubmissionCodecTest {
    private static final OutboundMessage FULL = OutboundMessage.builder("0a1b2c", "demo").serviceType("CMT")
            .source(new SmppAddress((byte) 5, (byte) 0, "Ebb")).destination(SmppAddress.international("+4790000001"))
            .esmClass((byte) 0x40).priority((byte) 1).registeredDelivery((byte) 1).dataCoding((byte) 8)
            .shortMessage("\u00e9t\u00e9".getBytes(StandardCharsets.UTF_16BE)).messagePayload(new byte[] {1, 2, 3})
            .sar(new OutboundMessage.Sar(513, 3, 2)).expiry(Instant.parse("2026-03-04T10:00:00Z"))
            .deliverAt(Instant.parse("2026-03-01T11:00:00Z")).build();

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

    /** Vault records sealed before scheduling existed (version 1, no deliverAt) still open, as sent at once. */
    @Test
    void aVersionOneRecordStillDecodes() {
        OutboundMessage unscheduled = FULL.toBuilder().deliverAt(null).build();
        byte[] v3 = SubmissionCodec.encode(new Submission(unscheduled, new Submission.Ingress(Channel.SMPP, "demo",
                "127.0.0.1"), ACCEPTED_AT));
        // Version 1 is version 3 without the trailing deliverAt flag and the (empty) reference's length.
        byte[] v1 = Arrays.copyOf(v3, v3.length - 3);
        v1[0] = 1;

        Submission decoded = SubmissionCodec.decode(v1);

        assertThat(decoded.message()).isEqualTo(unscheduled);
        assertThat(decoded.message().deliverAt()).isNull();
    }

    /** Vault records sealed before references existed (version 2) still open, without one. */
    @Test
    void aVersionTwoRecordStillDecodes() {
        Submission submission = new Submission(FULL, new Submission.Ingress(Channel.SMPP, "demo", "127.0.0.1"),
                ACCEPTED_AT);
        byte[] v3 = SubmissionCodec.encode(submission);
        byte[] v2 = Arrays.copyOf(v3, v3.length - 2);
        v2[0] = 2;

        assertThat(SubmissionCodec.decode(v2)).isEqualTo(submission);
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
