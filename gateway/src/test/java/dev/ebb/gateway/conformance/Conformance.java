package dev.ebb.gateway.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.GatewayFixture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * What each independent client of the conformance suite submits, on its own default TON/NPI, and what Ebb must keep
 * of it. The numbers are written as customers write them: E.164 digits without a {@code +}.
 */
final class Conformance {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final String HANDSET = "4790000001";
    /** The form Ebb must normalise {@link #HANDSET} to, in its traffic records and towards the SMSC. */
    static final String HANDSET_E164 = "+" + HANDSET;
    static final String ALPHANUMERIC_SENDER = "Test";
    static final String SHORT_CODE_SENDER = "12345";
    static final String TEXT = "hello";
    static final String UCS2_TEXT = "Привет, мир";
    /** The two segments of one concatenated message (split where the client would; the handset only joins them). */
    static final List<String> SEGMENTS = List.of("The first half of a message too long for one SMS, ",
            "and the second half of it.");
    /** esm_class with UDHI set (SMPP 3.4 §5.2.12): short_message starts with a user data header. */
    static final byte ESM_CLASS_UDHI = 0x40;

    private Conformance() {
    }

    /** Every traffic record of {@code messageId} names the handset in its normalised E.164 form. */
    static void assertRecordedAsE164(GatewayFixture gateway, String messageId) {
        assertThat(gateway.recordsOf(messageId)).isNotEmpty().allSatisfy(
                r -> assertThat(r.record().destination()).isEqualTo(HANDSET_E164));
    }

    /**
     * Waits until the gateway has no bound session left, so that the next test's client is the only receiver of its
     * receipts and an unbind is seen as finished on Ebb's side too.
     */
    static void awaitNoSessionBound(GatewayFixture gateway) {
        Await.until("Ebb counts no bound session", WAIT, () -> gateway.metric("ebb_smpp_sessions") == 0);
    }

    /**
     * {@code segment} of {@link #SEGMENTS} behind a 3GPP TS 23.040 §9.2.3.24.1 header (concatenated short message,
     * 8-bit reference {@code ref}), GSM 7-bit default alphabet characters written one per octet as SMPP carries them
     * for data_coding 0.
     */
    static byte[] withUdh(int ref, int segment) {
        byte[] text = SEGMENTS.get(segment).getBytes(StandardCharsets.US_ASCII);
        byte[] message = new byte[6 + text.length];
        message[0] = 0x05;
        message[1] = 0x00;
        message[2] = 0x03;
        message[3] = (byte) ref;
        message[4] = (byte) SEGMENTS.size();
        message[5] = (byte) (segment + 1);
        System.arraycopy(text, 0, message, 6, text.length);
        return message;
    }
}
