package dev.ebb.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class OutboundMessageCodecTest {
    private static final OutboundMessage FULL = new OutboundMessage("0a1b2c", "demo", "CMT",
            new SmppAddress((byte) 5, (byte) 0, "Ebb"), SmppAddress.international("+4790000001"),
            (byte) 0x40, (byte) 0, (byte) 1, (byte) 1, (byte) 8, "\u00e9t\u00e9".getBytes(StandardCharsets.UTF_16BE),
            new byte[] {1, 2, 3}, new OutboundMessage.Sar(513, 3, 2), Instant.parse("2026-03-04T10:00:00Z"));

    @Test
    void everyFieldSurvivesTheRoundTrip() {
        assertThat(OutboundMessageCodec.decode(OutboundMessageCodec.encode(FULL))).isEqualTo(FULL);
    }

    @Test
    void absentOptionalPartsStayAbsent() {
        OutboundMessage bare = new OutboundMessage("id", "c", null, SmppAddress.international("4790000001"),
                SmppAddress.international("4790000002"), (byte) 0, (byte) 0, (byte) 0, (byte) 0, (byte) 0, null, null, null, null);

        OutboundMessage decoded = OutboundMessageCodec.decode(OutboundMessageCodec.encode(bare));

        assertThat(decoded).isEqualTo(bare);
        assertThat(decoded.messagePayload()).isNull();
        assertThat(decoded.sar()).isNull();
        assertThat(decoded.expiry()).isNull();
    }

    @Test
    void truncatedBytesAreRefusedWithoutEchoingThem() {
        byte[] bytes = OutboundMessageCodec.encode(FULL);

        assertThatThrownBy(() -> OutboundMessageCodec.decode(Arrays.copyOf(bytes, bytes.length - 5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated");
    }

    @Test
    void printingAMessageRevealsNeitherContentNorNumber() {
        assertThat(FULL.toString()).doesNotContain("4790000001").contains("4790***001");
    }
}
