package dev.ebb.gateway.smpp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.gateway.core.BindType;
import dev.ebb.gateway.core.SmppAddress;
import dev.ebb.gateway.smpp.pdu.CommandStatus;
import dev.ebb.gateway.smpp.pdu.Pdu;
import dev.ebb.gateway.smpp.pdu.Tlv;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.RawSmppClient;
import dev.ebb.gateway.testing.TestGateway;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A running gateway's answers to submit_sm fields outside what SMPP 3.4 allows, sent as exact octets (Ebb's codec
 * writes C-Octet Strings as ISO-8859-1, one octet per character) over a socket.
 */
class SmppIngressTest {
    private static final SmppAddress SENDER = new SmppAddress((byte) 5, (byte) 0, "EbbBank");
    private static final SmppAddress HANDSET = SmppAddress.international("4790000201");

    @RegisterExtension
    final GatewayFixture gateway = GatewayFixture.withSimulator();
    private RawSmppClient raw;
    private int sequence = 1;

    @BeforeEach
    void bind() throws Exception {
        raw = new RawSmppClient(gateway.smppPort());
        raw.send(new Pdu.Bind(BindType.TRANSCEIVER, sequence++, TestGateway.SYSTEM_ID, TestGateway.PASSWORD, "",
                (byte) 0x34, (byte) 0, (byte) 0, ""));
        assertThat(((Pdu.BindResp) raw.read()).commandStatus()).isZero();
    }

    @AfterEach
    void stop() throws Exception {
        raw.close();
    }

    /**
     * Hostile test: a data_sm (or submit_sm) whose only content is a message_payload of length 0 was accepted and sent
     * as an empty message, while a submit_sm with no content is refused; both are now §5.1.3 0x01 ESME_RINVMSGLEN,
     * and nothing is recorded of them.
     */
    @Test
    void anEmptyMessagePayloadIsNoContent() throws Exception {
        raw.send(new Pdu.DataSm(sequence++, "", SENDER, HANDSET, (byte) 0, (byte) 0, (byte) 0,
                List.of(new Tlv(Tlv.MESSAGE_PAYLOAD, new byte[0]))));
        Pdu.DataSmResp data = (Pdu.DataSmResp) raw.read();
        raw.send(Pdu.SubmitSm.builder().sequenceNumber(sequence++).source(SENDER).destination(HANDSET)
                .tlvs(List.of(new Tlv(Tlv.MESSAGE_PAYLOAD, new byte[0]))).build());
        Pdu.SubmitSmResp submit = (Pdu.SubmitSmResp) raw.read();

        assertThat(data.commandStatus()).isEqualTo(CommandStatus.ESME_RINVMSGLEN);
        assertThat(submit.commandStatus()).isEqualTo(CommandStatus.ESME_RINVMSGLEN);
        assertThat(gateway.metadata().oldestRecordAge()).isEmpty();
    }

    /**
     * Found by SubmitPathFuzzTest: a service_type octet over 0x7F was accepted, then re-encoded by jSMPP as UTF-8
     * (0xC7 'Ç' left as C3 87), so the SMSC got another service type, or one longer than its 5 octets.
     */
    @Test
    void aServiceTypeOutsideAsciiIsRefusedWithInvalidServiceType() throws Exception {
        assertThat(status("\u00C7", SENDER, HANDSET)).isEqualTo(CommandStatus.ESME_RINVSERTYP);
        assertThat(status("\u00AB", SENDER, HANDSET)).isEqualTo(CommandStatus.ESME_RINVSERTYP);
        assertThat(status("\u00F3\u00F3\u00F3\u00F3", SENDER, HANDSET)).isEqualTo(CommandStatus.ESME_RINVSERTYP);
        assertThat(status("CMT", SENDER, HANDSET)).isEqualTo(CommandStatus.ESME_ROK);
    }

    /** Addresses are C-Octet Strings too: an octet over 0x7F is refused as the address it is in, whatever its TON. */
    @Test
    void addressesOutsideAsciiAreRefusedAsInvalidSourceOrDestination() throws Exception {
        assertThat(status("", new SmppAddress((byte) 5, (byte) 0, "Eb\u00C9b"), HANDSET))
                .isEqualTo(CommandStatus.ESME_RINVSRCADR);
        assertThat(status("", new SmppAddress((byte) 3, (byte) 0, "22\u00B2"), HANDSET))
                .isEqualTo(CommandStatus.ESME_RINVSRCADR);
        assertThat(status("", new SmppAddress((byte) 1, (byte) 1, "479000020\u00B9"), HANDSET))
                .isEqualTo(CommandStatus.ESME_RINVSRCADR);
        assertThat(status("", SENDER, new SmppAddress((byte) 1, (byte) 1, "479000020\u00B9")))
                .isEqualTo(CommandStatus.ESME_RINVDSTADR);
        assertThat(status("", SENDER, new SmppAddress((byte) 0, (byte) 0, "+479000020\u00BD")))
                .isEqualTo(CommandStatus.ESME_RINVDSTADR);
    }

    /**
     * Found by SubmitPathFuzzTest: with the sar_* triple given twice, the ingress checked the last of each and the
     * fuzz test's check read the first (an 8-octet sar_segment_seqnum). A parameter Ebb acts on, given twice, says
     * two things: the optional part is in error (SMPP 3.4 §5.1.3 0xC0 ESME_RINVOPTPARSTREAM).
     */
    @Test
    void aParameterEbbReadsGivenTwiceIsRefusedAsAnErrorInTheOptionalPart() throws Exception {
        List<Tlv> sar = List.of(new Tlv(Tlv.SAR_MSG_REF_NUM, new byte[] {1, 0x12}),
                new Tlv(Tlv.SAR_TOTAL_SEGMENTS, new byte[] {2}), new Tlv(Tlv.SAR_SEGMENT_SEQNUM, new byte[] {1}));
        List<Tlv> twice = new ArrayList<>(sar);
        twice.add(new Tlv(Tlv.SAR_SEGMENT_SEQNUM, new byte[] {2}));
        Tlv payload = new Tlv(Tlv.MESSAGE_PAYLOAD, "long".getBytes(StandardCharsets.US_ASCII));

        assertThat(status("x", twice)).isEqualTo(CommandStatus.ESME_RINVOPTPARSTREAM);
        assertThat(status("", List.of(payload, payload))).isEqualTo(CommandStatus.ESME_RINVOPTPARSTREAM);
        assertThat(status("x", sar)).isEqualTo(CommandStatus.ESME_ROK);
        assertThat(status("", List.of(payload))).isEqualTo(CommandStatus.ESME_ROK);
    }

    private int status(String serviceType, SmppAddress source, SmppAddress destination) throws Exception {
        return status(serviceType, source, destination, "x", List.of());
    }

    private int status(String shortMessage, List<Tlv> tlvs) throws Exception {
        return status("", SENDER, HANDSET, shortMessage, tlvs);
    }

    private int status(String serviceType, SmppAddress source, SmppAddress destination, String shortMessage,
                       List<Tlv> tlvs) throws Exception {
        int seq = sequence++;
        raw.send(Pdu.SubmitSm.builder().sequenceNumber(seq).serviceType(serviceType).source(source).destination(destination)
                .shortMessage(shortMessage.getBytes(StandardCharsets.US_ASCII)).tlvs(tlvs).build());
        Pdu.SubmitSmResp resp = (Pdu.SubmitSmResp) raw.read();
        assertThat(resp.sequenceNumber()).isEqualTo(seq);
        return resp.commandStatus();
    }
}
