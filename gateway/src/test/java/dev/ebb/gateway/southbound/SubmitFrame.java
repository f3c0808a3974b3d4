package dev.ebb.gateway.southbound;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.gateway.testing.Await;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/**
 * The fields of a submit_sm frame as an SMSC received it that tests look at, read by walking SMPP 3.4 §4.4.1 by hand
 * (no shared decoder).
 *
 * @param esmClass   §5.2.12; bit 6 (0x40) says the short_message starts with a user data header
 * @param dataCoding §5.2.19
 * @param tlvHex     every octet after short_message: the optional parameters as sent
 */
record SubmitFrame(String destination, byte esmClass, byte dataCoding, byte[] shortMessage, String tlvHex) {
    private static final Duration WAIT = Duration.ofSeconds(20);

    static SubmitFrame parse(byte[] frame) {
        ByteBuffer b = ByteBuffer.wrap(frame);
        b.position(16);
        cString(b); // service_type
        b.get();
        b.get();
        cString(b); // source_addr
        b.get();
        b.get();
        String destination = cString(b);
        byte esmClass = b.get();
        b.get(); // protocol_id
        b.get(); // priority_flag
        cString(b); // schedule_delivery_time
        cString(b); // validity_period
        b.get(); // registered_delivery
        b.get(); // replace_if_present_flag
        byte dataCoding = b.get();
        b.get(); // sm_default_msg_id
        byte[] shortMessage = new byte[b.get() & 0xFF];
        b.get(shortMessage);
        byte[] tlvs = new byte[b.remaining()];
        b.get(tlvs);
        return new SubmitFrame(destination, esmClass, dataCoding, shortMessage, HexFormat.of().formatHex(tlvs));
    }

    /** Waits for {@code count} submit_sm to {@code destination} and returns them: no more than that arrived. */
    static List<SubmitFrame> await(RawSmsc smsc, String destination, int count) {
        Await.until(count + " submit_sm to the SMSC", WAIT, () -> to(smsc, destination).size() >= count);
        List<SubmitFrame> frames = to(smsc, destination);
        assertThat(frames).hasSize(count);
        return frames;
    }

    /** The submit_sm to {@code destination} the SMSC received so far. */
    static List<SubmitFrame> to(RawSmsc smsc, String destination) {
        return smsc.submits().stream().map(SubmitFrame::parse).filter(f -> f.destination().equals(destination)).toList();
    }

    String shortMessageHex() {
        return HexFormat.of().formatHex(shortMessage);
    }

    private static String cString(ByteBuffer b) {
        StringBuilder s = new StringBuilder();
        for (byte c; (c = b.get()) != 0; ) {
            s.append((char) c);
        }
        return s.toString();
    }
}
