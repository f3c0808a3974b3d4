package dev.ebb.gateway.southbound;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.gateway.testing.EsmeClient;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.JsmppSubmit;
import dev.ebb.gateway.testing.TestGateway;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.OptionalParameters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What an SMSC receives from Ebb for concatenated messages, read from the bytes on its socket (issue 11: a customer's
 * sar_msg_ref_num 0x1234 left Ebb as 0x0034, jSMPP 3.0.2's {@code newSarMsgRefNum(int)} narrowing it to a byte, and
 * a handset then joins the parts of two messages whose references share a low byte).
 */
class SouthboundBytesTest {
    private static final HexFormat HEX = HexFormat.of();
    private static RawSmsc smsc;

    @RegisterExtension
    final GatewayFixture gateway = GatewayFixture.startedWith(dir -> TestGateway.config(dir, smsc.port(), false));

    @BeforeAll
    static void startSmsc() throws Exception {
        smsc = new RawSmsc();
    }

    /** Closed after every test's gateway: an SMSC gone first would only have the connector rebind. */
    @AfterAll
    static void stopSmsc() throws Exception {
        smsc.close();
    }

    @Test
    void everySarReferenceNumberLeavesAsTheCustomerSentIt() throws Exception {
        EsmeClient esme = gateway.esme();
        List<Integer> references = List.of(0x00FF, 0x0100, 0x1234, 0xFFFF);
        for (int reference : references) {
            esme.submit(JsmppSubmit.to("+4790000601").registeredDelivery(1)
                    .shortMessage("part one".getBytes(StandardCharsets.US_ASCII))
                    .tlvs(new OptionalParameter.Short(OptionalParameter.Tag.SAR_MSG_REF_NUM, (short) reference),
                            OptionalParameters.newSarTotalSegments(2), OptionalParameters.newSarSegmentSeqnum(1)));
        }

        List<SubmitFrame> frames = SubmitFrame.await(smsc, "4790000601", references.size());
        // SMPP 3.4 §5.3.2.22–24: sar_msg_ref_num 0x020C (2 octets), sar_total_segments 0x020E, sar_segment_seqnum 0x020F.
        assertThat(frames).extracting(SubmitFrame::tlvHex).containsExactlyInAnyOrder(
                "020c000200ff" + "020e000102" + "020f000101",
                "020c00020100" + "020e000102" + "020f000101",
                "020c00021234" + "020e000102" + "020f000101",
                "020c0002ffff" + "020e000102" + "020f000101");
        assertThat(frames).allSatisfy(f -> assertThat(f.shortMessage()).isEqualTo("part one".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void aUdhConcatenatedMessageLeavesWithItsHeaderOctetsAndEsmClass() throws Exception {
        EsmeClient esme = gateway.esme();
        byte[] eightBit = concat(new byte[] {0x05, 0x00, 0x03, (byte) 0xA7, 0x02, 0x01}, "part one");
        byte[] sixteenBit = concat(new byte[] {0x06, 0x08, 0x04, 0x12, 0x34, 0x02, 0x02}, "part two");
        for (byte[] userData : List.of(eightBit, sixteenBit)) {
            esme.submit(JsmppSubmit.to("+4790000602").esmClass(new ESMClass(0x40)).registeredDelivery(1)
                    .shortMessage(userData));
        }

        List<SubmitFrame> frames = SubmitFrame.await(smsc, "4790000602", 2);
        // §5.2.12: esm_class bit 6 (0x40) says the short_message starts with a user data header.
        assertThat(frames).allSatisfy(f -> {
            assertThat(f.esmClass()).isEqualTo((byte) 0x40);
            assertThat(f.tlvHex()).as("no sar_ TLVs added to a UDH message").isEmpty();
        });
        assertThat(frames).extracting(f -> HEX.formatHex(f.shortMessage()))
                .containsExactlyInAnyOrder(HEX.formatHex(eightBit), HEX.formatHex(sixteenBit));
    }

    private static byte[] concat(byte[] udh, String text) {
        byte[] body = text.getBytes(StandardCharsets.US_ASCII);
        byte[] all = Arrays.copyOf(udh, udh.length + body.length);
        System.arraycopy(body, 0, all, udh.length, body.length);
        return all;
    }
}
