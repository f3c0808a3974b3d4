package dev.ebb.gateway.smpp.pdu;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ebb.gateway.config.SmppServerConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Arbitrary bytes from a peer, through the SMPP decoder. The only outcomes it documents are a PDU, a
 * {@link PduDecodingException} for a whole frame with a bad body (its status one SMPP 3.4 §5.1.3 names for the
 * field, the frame consumed), or a {@link FramingException} for a command_length outside 16..max; anything else
 * thrown is a bug. Every PDU that decodes encodes back to itself.
 *
 * <p>{@code mvn test} replays {@code PduCodecFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes (README, "Fuzzing").
 */
class PduCodecFuzzTest {
    private static final int HEADER = 16;
    /** What PduCodec answers a bad body with; ESME_RSYSERR (an Ebb fault) is not among them. */
    private static final Set<Integer> DECODING_STATUSES = Set.of(CommandStatus.ESME_RINVCMDLEN,
            CommandStatus.ESME_RINVCMDID, CommandStatus.ESME_RINVMSGLEN, CommandStatus.ESME_RINVSYSID,
            CommandStatus.ESME_RINVPASWD, CommandStatus.ESME_RINVSYSTYP, CommandStatus.ESME_RINVSERTYP,
            CommandStatus.ESME_RINVSRCADR, CommandStatus.ESME_RINVDSTADR, CommandStatus.ESME_RINVSCHED,
            CommandStatus.ESME_RINVEXPIRY, CommandStatus.ESME_RINVOPTPARSTREAM, CommandStatus.ESME_RINVPARLEN,
            CommandStatus.ESME_RINVMSGID);

    private final PduCodec codec = new PduCodec(SmppServerConfig.DEFAULT_MAX_COMMAND_LENGTH);

    @FuzzTest(maxDuration = "60s")
    void everyFrameDecodesOrIsRefusedWithItsStatus(byte[] stream) {
        ByteBuf in = Unpooled.wrappedBuffer(stream);
        for (Object outcome : decodeAll(in)) {
            if (outcome instanceof Pdu pdu) {
                assertThat(reencoded(pdu)).isEqualTo(normalised(pdu));
            }
        }
    }

    /**
     * The same bytes through {@link SmppDecoder} in a pipeline, split into reads at arbitrary points: the PDUs and
     * refusals are those of decoding the whole stream at once, and lost framing closes the channel.
     */
    @FuzzTest(maxDuration = "60s")
    void thePipelineDecodesAnyReadSplitLikeTheWholeStream(FuzzedDataProvider data) {
        int[] splits = new int[data.consumeInt(0, 8)];
        for (int i = 0; i < splits.length; i++) {
            splits[i] = data.consumeInt(0, 256);
        }
        byte[] stream = data.consumeRemainingAsBytes();
        ByteBuf whole = Unpooled.wrappedBuffer(stream);
        List<Object> expected = decodeAll(whole);
        boolean framingLost = !expected.isEmpty() && expected.get(expected.size() - 1) instanceof FramingException;

        EmbeddedChannel channel = new EmbeddedChannel(new SmppDecoder(codec));
        int at = 0;
        for (int split : splits) {
            int end = Math.min(stream.length, at + split);
            if (channel.isOpen()) {
                channel.writeInbound(Unpooled.copiedBuffer(stream, at, end - at));
            }
            at = end;
        }
        if (channel.isOpen()) {
            channel.writeInbound(Unpooled.copiedBuffer(stream, at, stream.length - at));
        }
        List<Object> seen = new ArrayList<>();
        for (Object read; (read = channel.readInbound()) != null; ) {
            seen.add(read);
        }

        List<Object> decoded = framingLost ? expected.subList(0, expected.size() - 1) : expected;
        assertThat(seen.stream().map(PduCodecFuzzTest::comparable).toList())
                .isEqualTo(decoded.stream().map(PduCodecFuzzTest::comparable).toList());
        assertThat(channel.isOpen()).isEqualTo(!framingLost);
        channel.finishAndReleaseAll();
    }

    /** Decodes frames until the buffer ends or framing is lost; each outcome is checked against the codec's contract. */
    private List<Object> decodeAll(ByteBuf in) {
        List<Object> outcomes = new ArrayList<>();
        while (true) {
            int start = in.readerIndex();
            long length = in.readableBytes() >= 4 ? in.getUnsignedInt(start) : -1;
            try {
                Pdu pdu = codec.decode(in);
                if (pdu == null) {
                    assertThat(in.readerIndex()).as("no bytes consumed before a whole frame").isEqualTo(start);
                    return outcomes;
                }
                assertThat(in.readerIndex() - start).as("a PDU consumes its frame").isEqualTo(length);
                assertThat(pdu.sequenceNumber()).isEqualTo(in.getInt(start + 12));
                outcomes.add(pdu);
            } catch (PduDecodingException e) {
                assertThat(in.readerIndex() - start).as("a refused frame is consumed whole").isEqualTo(length);
                assertThat(e.commandId()).isEqualTo(in.getInt(start + 4));
                assertThat(e.sequenceNumber()).isEqualTo(in.getInt(start + 12));
                assertThat(DECODING_STATUSES).contains(e.commandStatus());
                outcomes.add(e);
            } catch (FramingException e) {
                assertThat(length < HEADER || length > SmppServerConfig.DEFAULT_MAX_COMMAND_LENGTH)
                        .as("framing is lost only on a command_length outside 16..max").isTrue();
                outcomes.add(e);
                return outcomes;
            }
        }
    }

    private Pdu reencoded(Pdu pdu) {
        ByteBuf out = Unpooled.buffer();
        codec.encode(pdu, out);
        Pdu again = codec.decode(out);
        assertThat(out.isReadable()).as("one frame, nothing after it").isFalse();
        return again;
    }

    /** What an encoded PDU may lose: what an error response carries beyond its empty fields (§4.1.2, §4.4.2). */
    private static Pdu normalised(Pdu pdu) {
        if (pdu instanceof Pdu.BindResp r && r.commandStatus() != CommandStatus.ESME_ROK) {
            return new Pdu.BindResp(r.type(), r.sequenceNumber(), r.commandStatus(), "", (byte) 0);
        }
        if (pdu instanceof Pdu.SubmitSmResp r && r.commandStatus() != CommandStatus.ESME_ROK) {
            return new Pdu.SubmitSmResp(r.sequenceNumber(), r.commandStatus(), "");
        }
        if (pdu instanceof Pdu.DataSmResp r && r.commandStatus() != CommandStatus.ESME_ROK) {
            return new Pdu.DataSmResp(r.sequenceNumber(), r.commandStatus(), "", r.tlvs());
        }
        if (pdu instanceof Pdu.QuerySmResp r && r.commandStatus() != CommandStatus.ESME_ROK) {
            return new Pdu.QuerySmResp(r.sequenceNumber(), r.commandStatus(), "", "", (byte) 0, (byte) 0);
        }
        return pdu;
    }

    /** A PDU compares by value; the codec's refusal as the value the decoder passes on for it. */
    private static Object comparable(Object outcome) {
        return outcome instanceof PduDecodingException e ? InvalidPdu.of(e) : outcome;
    }
}
