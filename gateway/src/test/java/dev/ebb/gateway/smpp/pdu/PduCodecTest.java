package dev.ebb.gateway.smpp.pdu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ebb.gateway.core.BindType;
import dev.ebb.gateway.core.SmppAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PduCodecTest {
    private final PduCodec codec = new PduCodec(4096);

    /** submit_sm seq 1 from "Ebb" (TON 5) to 4790000001, registered_delivery 1, "hi", SMPP 3.4 §4.4.1 field order. */
    private static final String SUBMIT_SM_HEX = "00000030" + "00000004" + "00000000" + "00000001"
            + "00" + "0500" + "45626200" + "0101" + "3437393030303030303100"
            + "00" + "00" + "00" + "00" + "00" + "01" + "00" + "00" + "00" + "02" + "6869";

    private static final Pdu.SubmitSm SUBMIT_SM = Pdu.SubmitSm.builder().sequenceNumber(1)
            .source(new SmppAddress((byte) 5, (byte) 0, "Ebb")).destination(new SmppAddress((byte) 1, (byte) 1, "4790000001"))
            .registeredDelivery(1).shortMessage("hi".getBytes(StandardCharsets.US_ASCII)).build();

    @Test
    void decodesASubmitSmFixture() {
        ByteBuf in = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(SUBMIT_SM_HEX));

        Pdu pdu = codec.decode(in);

        assertThat(pdu).isEqualTo(SUBMIT_SM);
        assertThat(in.isReadable()).isFalse();
        in.release();
    }

    @Test
    void encodesTheSameBytes() {
        ByteBuf out = Unpooled.buffer();
        codec.encode(SUBMIT_SM, out);

        assertThat(ByteBufUtil.hexDump(out)).isEqualTo(SUBMIT_SM_HEX);
        out.release();
    }

    @Test
    void aShortMessageOverTheOneOctetSmLengthIsRefusedRatherThanEncodedWrong() {
        // Refused when the record is made, so no such PDU reaches the encoder.
        assertThatThrownBy(() -> Pdu.DeliverSm.builder().sequenceNumber(1).source(SmppAddress.international("4790000001"))
                .destination(SmppAddress.international("4790000002")).shortMessage(new byte[300]).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("300");
    }

    @Test
    void waitsForAWholeFrameFedByteByByte() {
        byte[] bytes = ByteBufUtil.decodeHexDump(SUBMIT_SM_HEX);
        ByteBuf in = Unpooled.buffer();
        for (int i = 0; i < bytes.length - 1; i++) {
            in.writeByte(bytes[i]);
            assertThat(codec.decode(in)).isNull();
        }
        in.writeByte(bytes[bytes.length - 1]);

        assertThat(codec.decode(in)).isEqualTo(SUBMIT_SM);
        in.release();
    }

    @Test
    void everyPduRoundTrips() {
        List<Pdu> pdus = List.of(
                new Pdu.Bind(BindType.TRANSCEIVER, 7, "demo", "demo1234", "", (byte) 0x34, (byte) 0, (byte) 0, ""),
                new Pdu.BindResp(BindType.RECEIVER, 7, 0, "ebb", (byte) 0x34),
                new Pdu.SubmitSmResp(8, 0, "0123456789abcdefghij"),
                Pdu.DeliverSm.builder().sequenceNumber(9).source(SmppAddress.international("4790000001"))
                        .destination(new SmppAddress((byte) 5, (byte) 0, "Ebb")).esmClass(4)
                        .shortMessage("id:1 stat:DELIVRD".getBytes(StandardCharsets.US_ASCII))
                        .tlvs(List.of(new Tlv(Tlv.RECEIPTED_MESSAGE_ID, "1\0".getBytes(StandardCharsets.US_ASCII)),
                                new Tlv(Tlv.MESSAGE_STATE, new byte[] {2})))
                        .build(),
                new Pdu.DeliverSmResp(9, 0), new Pdu.EnquireLink(10), new Pdu.EnquireLinkResp(10, 0),
                new Pdu.Unbind(11), new Pdu.UnbindResp(11, 0), new Pdu.GenericNack(12, CommandStatus.ESME_RINVCMDID));
        for (Pdu pdu : pdus) {
            ByteBuf buf = Unpooled.buffer();
            codec.encode(pdu, buf);
            assertThat(codec.decode(buf)).as(pdu.toString()).isEqualTo(pdu);
            assertThat(buf.isReadable()).isFalse();
            buf.release();
        }
    }

    @Test
    void aCommandLengthBelowTheHeaderLosesFraming() {
        ByteBuf in = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("0000000f000000150000000000000001"));

        assertThatThrownBy(() -> codec.decode(in)).isInstanceOf(FramingException.class).hasMessageContaining("15");
        in.release();
    }

    @Test
    void aCommandLengthAboveTheMaximumLosesFraming() {
        ByteBuf in = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("00100000000000150000000000000001"));

        assertThatThrownBy(() -> codec.decode(in)).isInstanceOf(FramingException.class);
        in.release();
    }

    @Test
    void anUnknownCommandIdIsConsumedAndAnsweredWithInvalidCommandId() {
        ByteBuf in = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("00000014" + "00000099" + "00000000" + "0000002a" + "cafebabe"
                + "00000010000000150000000000000003"));

        assertThatThrownBy(() -> codec.decode(in)).isInstanceOfSatisfying(PduDecodingException.class, e -> {
            assertThat(e.commandStatus()).isEqualTo(CommandStatus.ESME_RINVCMDID);
            assertThat(e.sequenceNumber()).isEqualTo(42);
        });
        assertThat(codec.decode(in)).isEqualTo(new Pdu.EnquireLink(3));
        in.release();
    }

    @Test
    void aDestinationLongerThanTwentyOctetsIsAnInvalidDestinationAddress() {
        String longAddress = ByteBufUtil.hexDump("4790000001479000000147".getBytes(StandardCharsets.US_ASCII)) + "00";
        String body = "00" + "0500" + "45626200" + "0101" + longAddress + "000000000001000000" + "02" + "6869";
        ByteBuf in = frame(CommandId.SUBMIT_SM, 5, body);

        assertThatThrownBy(() -> codec.decode(in)).isInstanceOfSatisfying(PduDecodingException.class,
                e -> assertThat(e.commandStatus()).isEqualTo(CommandStatus.ESME_RINVDSTADR));
        assertThat(in.isReadable()).isFalse();
        in.release();
    }

    @Test
    void aSystemIdWithoutItsNulIsAnInvalidSystemId() {
        ByteBuf in = frame(CommandId.BIND_TRANSCEIVER, 1, ByteBufUtil.hexDump("demo".getBytes(StandardCharsets.US_ASCII)));

        assertThatThrownBy(() -> codec.decode(in)).isInstanceOfSatisfying(PduDecodingException.class,
                e -> assertThat(e.commandStatus()).isEqualTo(CommandStatus.ESME_RINVSYSID));
        in.release();
    }

    @Test
    void anSmLengthOf255IsAnInvalidMessageLength() {
        String body = "00" + "0500" + "45626200" + "0101" + "3437393030303030303100" + "000000000001000000" + "ff"
                + "61".repeat(255);
        ByteBuf in = frame(CommandId.SUBMIT_SM, 6, body);

        assertThatThrownBy(() -> codec.decode(in)).isInstanceOfSatisfying(PduDecodingException.class,
                e -> assertThat(e.commandStatus()).isEqualTo(CommandStatus.ESME_RINVMSGLEN));
        assertThat(in.isReadable()).isFalse();
        in.release();
    }

    @Test
    void printingASubmitSmShowsNoContent() {
        Pdu.SubmitSm secret = SUBMIT_SM.toBuilder().destination(SmppAddress.international("4790000001"))
                .shortMessage("MARKER-7Q".getBytes(StandardCharsets.US_ASCII)).build();

        assertThat(secret.toString()).doesNotContain("MARKER-7Q").doesNotContain("4790000001");
    }

    private static ByteBuf frame(int commandId, int sequence, String bodyHex) {
        byte[] body = ByteBufUtil.decodeHexDump(bodyHex);
        ByteBuf buf = Unpooled.buffer();
        buf.writeInt(16 + body.length).writeInt(commandId).writeInt(0).writeInt(sequence).writeBytes(body);
        return buf;
    }
}
