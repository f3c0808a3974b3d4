package dev.ebb.gateway.southbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ebb.gateway.config.ContentConfig;
import dev.ebb.gateway.config.SmppServerConfig;
import dev.ebb.gateway.core.BindType;
import dev.ebb.gateway.core.Originators;
import dev.ebb.gateway.core.OutboundMessage;
import dev.ebb.gateway.core.SmppAddress;
import dev.ebb.gateway.core.SubmitMeters;
import dev.ebb.gateway.smpp.SessionInfo;
import dev.ebb.gateway.smpp.SmppIngress;
import dev.ebb.gateway.smpp.SubmitOutcome;
import dev.ebb.gateway.smpp.SubmitMetrics;
import dev.ebb.gateway.smpp.SubmitRefusals;
import dev.ebb.gateway.smpp.pdu.CommandId;
import dev.ebb.gateway.smpp.pdu.CommandStatus;
import dev.ebb.gateway.smpp.pdu.FramingException;
import dev.ebb.gateway.smpp.pdu.Pdu;
import dev.ebb.gateway.smpp.pdu.PduCodec;
import dev.ebb.gateway.smpp.pdu.PduDecodingException;
import dev.ebb.gateway.smpp.pdu.Tlv;
import dev.ebb.gateway.testing.UnstartedRoute;
import dev.ebb.metadata.Channel;
import dev.ebb.metadata.SourceAddress;
import dev.ebb.model.Msisdn;
import dev.ebb.model.Numbering;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.CompletableFuture;
import org.jsmpp.DefaultPDUSender;
import org.jsmpp.PDUStringException;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.TypeOfNumber;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * A customer's submit_sm body through everything that happens to it before it leaves Ebb, with no network: decoded,
 * validated by {@link SmppIngress}, sealed into the real vault and metadata store, read back from the vault on another
 * thread as a sending thread does, and encoded into the submit_sm the SMSC receives, by jSMPP and by Ebb's own
 * client alike. A submit is refused with the status naming its fault, never ESME_RSYSERR; one accepted reaches the
 * SMSC as it was sent, or the gateway has accepted a message it cannot deliver.
 *
 * <p>The input is the body after the 16-octet header, so that the fuzzer spends its time on fields, not framing
 * ({@code PduCodecFuzzTest} covers that).
 */
class SubmitPathFuzzTest {
    private static final SessionInfo SESSION = new SessionInfo("acme", "acme", BindType.TRANSCEIVER, "127.0.0.1", 1);
    private static final PduCodec CODEC = new PduCodec(SmppServerConfig.DEFAULT_MAX_COMMAND_LENGTH);

    @TempDir
    static Path dir;
    private static UnstartedRoute route;
    private static SmppIngress ingress;
    /** Reports refusals counted after a log line; daemon, so the fuzz run's JVM still ends. */
    private static final ScheduledExecutorService REFUSAL_REPORTS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "refusal-reports");
        t.setDaemon(true);
        return t;
    });

    @BeforeAll
    static void open() {
        route = new UnstartedRoute(dir);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        SubmitMeters meters = new SubmitMeters(registry, Channel.SMPP, CommandStatus::name);
        ingress = new SmppIngress(route.admission, ContentConfig.defaults(), Map.of(), Map.of(), route.clock,
                new SubmitMetrics(registry, meters), new SubmitRefusals(meters, route.clock, REFUSAL_REPORTS));
    }

    @AfterAll
    static void close() {
        REFUSAL_REPORTS.shutdownNow();
        route.close();
    }

    @FuzzTest(maxDuration = "60s")
    void anAcceptedSubmitLeavesForTheSmscAsItCame(byte[] body) throws Exception {
        Pdu.SubmitSm submit;
        try {
            submit = (Pdu.SubmitSm) CODEC.decode(frame(CommandId.SUBMIT_SM, body));
        } catch (PduDecodingException | FramingException refused) {
            return;
        }
        SubmitOutcome outcome = ingress.submit(SESSION, submit).toCompletableFuture().join();
        assertThat(outcome.commandStatus()).as("a submit is refused for what is wrong with it, not as a system error")
                .isNotEqualTo(CommandStatus.ESME_RSYSERR);
        if (outcome.commandStatus() != CommandStatus.ESME_ROK) {
            assertThat(route.connector.queued()).isZero();
            return;
        }

        OutboundMessage sealed = openOnASendingThread(route.connector.take(0));
        assertThat(sealed.shortMessage()).isEqualTo(submit.shortMessage());
        assertThat(sealed.messagePayload()).isEqualTo(submit.tlv(Tlv.MESSAGE_PAYLOAD).map(Tlv::value).orElse(null));

        byte[] jsmpp = jsmppSubmitSm(sealed);
        // Both clients put the same octets on the wire (issue 12: client netty is the default, jsmpp stays).
        ByteBuf netty = Unpooled.buffer();
        CODEC.encode(NettySmscBind.submitSm(1, sealed), netty);
        assertThat(ByteBufUtil.getBytes(netty)).as("Ebb's own client's submit_sm").isEqualTo(jsmpp);
        Pdu.SubmitSm southbound = (Pdu.SubmitSm) CODEC.decode(Unpooled.wrappedBuffer(jsmpp));
        // Both addresses leave normalised (issue 11): the sender with the TON/NPI of its kind, the handset as 1/1.
        SourceAddress source = Originators.fromSmpp(submit.source().ton() & 0xFF, submit.source().npi() & 0xFF,
                submit.source().value(), Numbering.INTERNATIONAL, Optional.empty());
        assertThat(southbound.source()).isEqualTo(new SmppAddress((byte) source.ton(), (byte) source.npi(),
                source.value()));
        assertThat(southbound.destination()).isEqualTo(SmppAddress.international(Msisdn.fromSmpp(
                submit.destination().ton(), submit.destination().npi(), submit.destination().value(),
                Numbering.INTERNATIONAL).e164()));
        assertThat(southbound.serviceType()).isEqualTo(submit.serviceType());
        assertThat(List.of(southbound.esmClass(), southbound.protocolId(), southbound.priorityFlag(),
                southbound.dataCoding())).isEqualTo(List.of(submit.esmClass(), submit.protocolId(),
                submit.priorityFlag(), submit.dataCoding()));
        assertThat(southbound.shortMessage()).isEqualTo(submit.shortMessage());
        assertThat(southbound.tlvs()).containsExactlyInAnyOrderElementsOf(deliveredTlvs(submit));
    }

    /**
     * The content as a sending thread opens it: on a thread of its own, whose per-thread vault buffers have not been
     * grown by the put of the ingress thread.
     */
    private static OutboundMessage openOnASendingThread(SmscConnector.Pending pending) throws Exception {
        return CompletableFuture.supplyAsync(pending.message().content(), task -> new Thread(task, "fuzz-send").start())
                .get().orElseThrow();
    }

    /** The TLVs Ebb passes on: message_payload and the sar_ triple (SMPP 3.4 §5.3.2.22–24, §5.3.2.32). */
    private static List<Tlv> deliveredTlvs(Pdu.SubmitSm submit) {
        List<Tlv> tlvs = new ArrayList<>();
        for (short tag : new short[] {Tlv.MESSAGE_PAYLOAD, Tlv.SAR_MSG_REF_NUM, Tlv.SAR_TOTAL_SEGMENTS,
                Tlv.SAR_SEGMENT_SEQNUM}) {
            submit.tlv(tag).ifPresent(tlvs::add);
        }
        return tlvs;
    }

    /**
     * The submit_sm bytes jSMPP writes for {@code m}: the conversions {@code SmscBind.submit} makes (TON, NPI,
     * esm_class, registered_delivery, data_coding) and its TLVs, through jSMPP's own PDU sender.
     */
    private static byte[] jsmppSubmitSm(OutboundMessage m) throws PDUStringException, IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        new DefaultPDUSender().sendSubmitSm(wire, 1, m.serviceType(),
                TypeOfNumber.valueOf(m.source().ton()), NumberingPlanIndicator.valueOf(m.source().npi()), m.source().value(),
                TypeOfNumber.valueOf(m.destination().ton()), NumberingPlanIndicator.valueOf(m.destination().npi()),
                m.destination().value(), new ESMClass(m.esmClass()), m.protocolId(), m.priority(), null, null,
                new RegisteredDelivery(m.registeredDelivery()), (byte) 0, SmscBind.dataCoding(m),
                (byte) 0, m.shortMessage(), SmscBind.optionalParameters(m));
        return wire.toByteArray();
    }

    private static ByteBuf frame(int commandId, byte[] body) {
        return Unpooled.buffer(16 + body.length).writeInt(16 + body.length).writeInt(commandId).writeInt(0).writeInt(1)
                .writeBytes(body);
    }
}
