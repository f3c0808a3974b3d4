package dev.ebb.gateway.smpp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.gateway.config.SmppServerConfig;
import dev.ebb.gateway.smpp.pdu.SmppCodec;
import dev.ebb.gateway.testing.TestConfigs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The session handler behind Ebb's own codec on an {@link EmbeddedChannel}: exact octets in, exact octets out, no
 * socket and no event-loop thread.
 */
class SmppSessionHandlerBytesTest {
    private static final SmppServerConfig CONFIG = TestConfigs.smppServer().build();
    private final EmbeddedChannel channel = new EmbeddedChannel(new SmppCodec(CONFIG.maxCommandLength()),
            new SmppSessionHandler(CONFIG, new Authenticator(Map.of(), Runnable::run,
                    new BindThrottle(Clock.systemUTC())), new CustomerSessions(),
                    (session, submit) -> new CompletableFuture<>(), SmppServerTest.NO_OPERATIONS, 1, () -> { }));

    @AfterEach
    void release() {
        channel.finishAndReleaseAll();
    }

    /** §2.3 table 2-1: enquire_link belongs to the bound states; before a bind it gets ESME_RINVBNDSTS (§5.1.3). */
    @Test
    void anEnquireLinkBeforeBindIsAnsweredWithInvalidBindStatus() {
        channel.writeInbound(bytes("00000010 00000015 00000000 00000007"));

        assertThat(written()).isEqualTo("00000010800000150000000400000007");
        assertThat(channel.isOpen()).isTrue();
    }

    /**
     * §4.2: unbind is answered with unbind_resp; the customer that sent it closes the connection (UnbindTest), and
     * Ebb does only when it has not within the grace.
     */
    @Test
    void anUnbindIsAnsweredAndTheConnectionLeftToTheCustomerForAGrace() {
        channel.freezeTime(); // the channel's clock moves only by advanceTimeBy
        channel.writeInbound(bytes("00000010 00000006 00000000 00000003"));

        assertThat(written()).isEqualTo("00000010800000060000000000000003");
        channel.advanceTimeBy(SmppSessionHandler.UNBIND_GRACE_MILLIS - 1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isTrue();
        channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isFalse();
    }

    /** §4.3: a command id SMPP 3.4 does not define gets generic_nack ESME_RINVCMDID with the request's sequence. */
    @Test
    void anUnknownCommandIdGetsAGenericNack() {
        channel.writeInbound(bytes("00000010 00000099 00000000 0000002a"));

        assertThat(written()).isEqualTo("00000010" + "80000000" + "00000003" + "0000002a");
    }

    /**
     * Issue 11: an error submit_sm_resp carries message_id as one NUL octet (the field SMPP 3.4 §4.4.2 shows); Kannel
     * warns "message_id has no NULL" at a header-only one. Here a submit_sm before any bind, ESME_RINVBNDSTS.
     */
    @Test
    void anErrorSubmitSmRespCarriesANulMessageId() {
        channel.writeInbound(bytes("00000030 00000004 00000000 00000005 00 0500 45626200 0101 3437393030303030303100"
                + "00 00 00 00 00 01 00 00 00 02 6869"));

        assertThat(written()).isEqualTo("00000011" + "80000004" + "00000004" + "00000005" + "00");
    }

    private static ByteBuf bytes(String hex) {
        return Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex.replace(" ", "")));
    }

    /** Every octet written so far, as hex. */
    private String written() {
        channel.runPendingTasks();
        StringBuilder out = new StringBuilder();
        for (ByteBuf buf = channel.readOutbound(); buf != null; buf = channel.readOutbound()) {
            out.append(ByteBufUtil.hexDump(buf));
            buf.release();
        }
        return out.toString();
    }
}
