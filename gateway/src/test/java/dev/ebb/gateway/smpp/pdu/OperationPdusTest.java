package dev.ebb.gateway.smpp.pdu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.ebb.gateway.config.SmppServerConfig;
import dev.ebb.gateway.core.SmppAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * query_sm, cancel_sm, replace_sm and data_sm with their responses (SMPP 3.4 §4.7–§4.10) through the codec in a
 * pipeline: each hex fixture decodes to its record and the record encodes to the same octets.
 */
class OperationPdusTest {
    private static final SmppAddress ACME = new SmppAddress((byte) 5, (byte) 0, "Acme");
    private static final SmppAddress HANDSET = new SmppAddress((byte) 1, (byte) 1, "4790000001");
    /** 5/0 "Acme", 1/1 "4790000001" as §4.4.1 lays addresses out: ton, npi, C-Octet String. */
    private static final String ACME_HEX = "0500" + "41636d6500";
    private static final String HANDSET_HEX = "0101" + "3437393030303030303100";

    private final EmbeddedChannel channel = new EmbeddedChannel(new SmppCodec(SmppServerConfig.DEFAULT_MAX_COMMAND_LENGTH));

    @AfterEach
    void nothingLeaks() {
        assertFalse(channel.finishAndReleaseAll());
    }

    /** §4.8.1: message_id, then the source address. */
    @Test
    void querySm() {
        roundTrips("0000001b" + "00000003" + "00000000" + "00000002" + "61626300" + ACME_HEX,
                new Pdu.QuerySm(2, "abc", ACME));
    }

    /** §4.8.2: message_id, final_date (§7.1.1), message_state (§5.2.28), error_code. */
    @Test
    void querySmResp() {
        roundTrips("00000027" + "80000003" + "00000000" + "00000002" + "61626300"
                        + hex("260301100000000+") + "00" + "02" + "00",
                new Pdu.QuerySmResp(2, 0, "abc", "260301100000000+", (byte) 2, (byte) 0));
    }

    /** An error query_sm_resp keeps its four fields, empty: Cloudhopper reads them whatever the status. */
    @Test
    void anErrorQuerySmRespHasEmptyFields() {
        roundTrips("00000014" + "80000003" + "00000067" + "00000002" + "00" + "00" + "00" + "00",
                new Pdu.QuerySm(2, "abc", ACME).errorResponse(CommandStatus.ESME_RQUERYFAIL));
    }

    /** §4.9.1: service_type, message_id, source, destination. */
    @Test
    void cancelSm() {
        roundTrips("00000029" + "00000008" + "00000000" + "00000003" + "00" + "61626300" + ACME_HEX + HANDSET_HEX,
                new Pdu.CancelSm(3, "", "abc", ACME, HANDSET));
    }

    /** §4.9.2: the header alone. */
    @Test
    void cancelSmResp() {
        roundTrips("00000010" + "80000008" + "00000011" + "00000003",
                new Pdu.CancelSmResp(3, CommandStatus.ESME_RCANCELFAIL));
    }

    /** §4.10.1: message_id, source, schedule and validity (empty: keep), registered_delivery, sm_default_msg_id, text. */
    @Test
    void replaceSm() {
        roundTrips("00000022" + "00000007" + "00000000" + "00000004" + "61626300" + ACME_HEX + "00" + "00" + "01"
                        + "00" + "02" + "6869",
                new Pdu.ReplaceSm(4, "abc", ACME, "", "", (byte) 1, (byte) 0, "hi".getBytes(StandardCharsets.US_ASCII)));
    }

    /** §4.10.2: the header alone. */
    @Test
    void replaceSmResp() {
        roundTrips("00000010" + "80000007" + "00000013" + "00000004",
                new Pdu.ReplaceSmResp(4, CommandStatus.ESME_RREPLACEFAIL));
    }

    /** §4.7.1: service_type, addresses, esm_class, registered_delivery, data_coding, then message_payload. */
    @Test
    void dataSm() {
        roundTrips("0000002e" + "00000103" + "00000000" + "00000005" + "00" + ACME_HEX + HANDSET_HEX + "00" + "01"
                        + "00" + "0424" + "0002" + "6869",
                new Pdu.DataSm(5, "", ACME, HANDSET, (byte) 0, (byte) 1, (byte) 0,
                        List.of(new Tlv(Tlv.MESSAGE_PAYLOAD, "hi".getBytes(StandardCharsets.US_ASCII)))));
    }

    /** §4.7.2: message_id. */
    @Test
    void dataSmResp() {
        roundTrips("00000014" + "80000103" + "00000000" + "00000005" + "61626300",
                new Pdu.DataSmResp(5, 0, "abc", List.of()));
    }

    /** An error data_sm_resp carries an empty message_id, one NUL, like an error submit_sm_resp. */
    @Test
    void anErrorDataSmRespCarriesANulMessageId() {
        roundTrips("00000011" + "80000103" + "00000045" + "00000005" + "00",
                new Pdu.DataSmResp(5, CommandStatus.ESME_RSUBMITFAIL, "", List.of()));
    }

    /** Issue 11: the one NUL of message_id that SMPP 3.4 §4.4.2 shows; Kannel warns "message_id has no NULL" without it. */
    @Test
    void anErrorSubmitSmRespCarriesANulMessageId() {
        roundTrips("00000011" + "80000004" + "0000000b" + "00000006" + "00",
                new Pdu.SubmitSmResp(6, CommandStatus.ESME_RINVDSTADR, ""));
    }

    /** A message_id over its 65 octets (§4.8.1) is the field's own error, §5.1.3 0x0C ESME_RINVMSGID. */
    @Test
    void anOverlongMessageIdIsRefusedWithInvalidMessageId() {
        String id = "61".repeat(65) + "00";
        channel.writeInbound(bytes(String.format("%08x", 16 + 66 + 7) + "00000003" + "00000000" + "00000009" + id
                + ACME_HEX));

        InvalidPdu invalid = channel.readInbound();
        assertThat(invalid.commandStatus()).isEqualTo(CommandStatus.ESME_RINVMSGID);
        assertThat(invalid.response()).isEqualTo(new Pdu.QuerySmResp(9, CommandStatus.ESME_RINVMSGID, "", "",
                (byte) 0, (byte) 0));
    }

    private void roundTrips(String hex, Pdu pdu) {
        channel.writeInbound(bytes(hex));
        assertThat((Object) channel.readInbound()).isEqualTo(pdu);

        channel.writeOutbound(pdu);
        ByteBuf written = channel.readOutbound();
        assertThat(ByteBufUtil.hexDump(written)).isEqualTo(hex.replace(" ", ""));
        written.release();
    }

    private static ByteBuf bytes(String hex) {
        return Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex));
    }

    private static String hex(String ascii) {
        return ByteBufUtil.hexDump(ascii.getBytes(StandardCharsets.US_ASCII));
    }
}
