package dev.ebb.gateway.smpp.pdu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.gateway.core.BindType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The one answer to an undecodable frame, which the server's sessions and the simulator both send. */
class InvalidPduTest {

    static Stream<Arguments> answers() {
        int status = CommandStatus.ESME_RINVCMDLEN;
        return Stream.of(
                Arguments.of(CommandId.BIND_TRANSMITTER, new Pdu.BindResp(BindType.TRANSMITTER, 7, status, "", (byte) 0)),
                Arguments.of(CommandId.BIND_RECEIVER, new Pdu.BindResp(BindType.RECEIVER, 7, status, "", (byte) 0)),
                Arguments.of(CommandId.BIND_TRANSCEIVER, new Pdu.BindResp(BindType.TRANSCEIVER, 7, status, "", (byte) 0)),
                Arguments.of(CommandId.SUBMIT_SM, new Pdu.SubmitSmResp(7, status, "")),
                Arguments.of(CommandId.DELIVER_SM, new Pdu.DeliverSmResp(7, status)),
                Arguments.of(CommandId.DATA_SM, new Pdu.DataSmResp(7, status, "", List.of())),
                Arguments.of(CommandId.QUERY_SM, new Pdu.QuerySmResp(7, status, "", "", (byte) 0, (byte) 0)),
                Arguments.of(CommandId.CANCEL_SM, new Pdu.CancelSmResp(7, status)),
                Arguments.of(CommandId.REPLACE_SM, new Pdu.ReplaceSmResp(7, status)),
                // §4.3.1: a command_length that does not fit the command, an unknown command (submit_multi, which
                // Ebb does not take), a broken response.
                Arguments.of(CommandId.ENQUIRE_LINK, new Pdu.GenericNack(7, status)),
                Arguments.of(CommandId.UNBIND, new Pdu.GenericNack(7, status)),
                Arguments.of(0x00000021, new Pdu.GenericNack(7, status)),
                Arguments.of(CommandId.RESPONSE | CommandId.SUBMIT_SM, new Pdu.GenericNack(7, status)));
    }

    @ParameterizedTest
    @MethodSource("answers")
    void eachCommandIsAnsweredAsTheSpecNamesIt(int commandId, Pdu.Response answer) {
        assertThat(new InvalidPdu(commandId, 7, CommandStatus.ESME_RINVCMDLEN, "test").response()).isEqualTo(answer);
    }

    /** The decoder passes a bad frame on as a value and goes on with the next frame. */
    @Test
    void theDecoderPassesABadFrameOnAsAValueAndDecodesTheNext() {
        EmbeddedChannel channel = new EmbeddedChannel(new SmppDecoder(new PduCodec(4096)));
        // enquire_link seq 9 with one byte too many, then enquire_link seq 10.
        ByteBuf in = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(
                "00000011" + "00000015" + "00000000" + "00000009" + "00"
                        + "00000010" + "00000015" + "00000000" + "0000000a"));

        channel.writeInbound(in);

        Object first = channel.readInbound();
        assertThat(first).isInstanceOfSatisfying(InvalidPdu.class, invalid -> {
            assertThat(invalid.commandId()).isEqualTo(CommandId.ENQUIRE_LINK);
            assertThat(invalid.sequenceNumber()).isEqualTo(9);
            assertThat(invalid.commandStatus()).isEqualTo(CommandStatus.ESME_RINVCMDLEN);
        });
        assertThat((Object) channel.readInbound()).isEqualTo(new Pdu.EnquireLink(10));
        assertThat(channel.isOpen()).isTrue();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }
}
