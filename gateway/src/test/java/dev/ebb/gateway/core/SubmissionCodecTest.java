package dev.ebb.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ebb.metadata.Channel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SubmissionCodecTest {
    private static final OutboundMessage FULL = new OutboundMessage("0a1b2c", "demo", "CMT",
            new SmppAddress((byte) 5, (byte) 0, "Ebb"), SmppAddress.international("+4790000001"),
            (byte) 0x40, (byte) 0, (byte) 1, (byte) 1, (byte) 8, "\u00e9t\u00e9".getBytes(StandardCharsets.UTF_16BE),
            new byte[] {1, 2, 3}, new OutboundMessage.Sar(513, 3, 2), Instant.parse("2026-03-04T10:00:00Z"));

    private static final Instant ACCEPTED_AT = Instant.parse("2026-03-01T10:00:00.123Z");

    @Test
    void everyFieldSurvivesTheRoundTrip() {
        Submission submission = new Submission(FULL, new Submission.Ingress(Channel.SMPP, "demo", "127.0.0.1"), ACCEPTED_AT);

        assertThat(SubmissionCodec.decode(SubmissionCodec.encode(submission))).isEqualTo(submission);
    }

    @Test
    void absentOptionalPartsStayAbsent() {
        OutboundMessage bare = new OutboundMessage("id", "c", null, SmppAddress.international("4790000001"),
                SmppAddress.international("4790000002"), (byte) 0, (byte) 0, (byte) 0, (byte) 0, (byte) 0, null, null, null, null);

        Submission submission = new Submission(bare, new Submission.Ingress(Channel.HTTP, null, null), ACCEPTED_AT);

        Submission roundTripped = SubmissionCodec.decode(SubmissionCodec.encode(submission));
        OutboundMessage decoded = roundTripped.message();

        assertThat(roundTripped).isEqualTo(submission);
        assertThat(decoded.messagePayload()).isNull();
        assertThat(decoded.sar()).isNull();
        assertThat(decoded.expiry()).isNull();
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
