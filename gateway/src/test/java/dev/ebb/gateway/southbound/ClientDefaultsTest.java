package dev.ebb.gateway.southbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudhopper.smpp.SmppBindType;
import com.cloudhopper.smpp.SmppSession;
import com.cloudhopper.smpp.SmppSessionConfiguration;
import com.cloudhopper.smpp.impl.DefaultSmppClient;
import com.cloudhopper.smpp.impl.DefaultSmppSessionHandler;
import com.cloudhopper.smpp.type.Address;
import dev.ebb.gateway.config.AddressingConfig;
import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.TestGateway;
import dev.ebb.metadata.EventType;
import dev.ebb.metadata.SourceAddress;
import dev.ebb.metadata.StoredRecord;
import dev.ebb.metadata.TrafficQuery;
import dev.ebb.metadata.TrafficRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DataCodings;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.SubmitSm;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.SMPPSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 11: real clients on their own defaults get their messages through. Each submits over a socket to a whole
 * gateway whose SMSC is jSMPP's server (independent of Ebb's codec), which shows the TON/NPI Ebb sends on: 1/1 for a
 * number, 5/0 for a sender name, 3/0 for a short code. The traffic record holds the normalised number.
 */
class ClientDefaultsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String HANDSET = "4790000001";
    private static final String E164 = "+4790000001";

    @RegisterExtension
    final GatewayFixture gateway = GatewayFixture.unstarted();
    private JsmppTestSmsc smsc;
    private SMPPSession jsmpp;

    @AfterEach
    void stop() throws Exception {
        if (jsmpp != null) {
            jsmpp.unbindAndClose();
        }
        gateway.stop(); // before the SMSC, so the connector does not start reconnecting
        if (smsc != null) {
            smsc.close();
        }
    }

    @Test
    void jsmppOnItsDefaultsSendsToABareNumberFromASenderName() throws Exception {
        start(AddressingConfig.DEFAULTS);

        String id = jsmppSubmit(TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, "Test",
                TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, HANDSET);

        SubmitSm southbound = southbound(1);
        assertSent(southbound, 5, 0, "Test", 1, 1, HANDSET);
        TrafficRecord accepted = accepted(id);
        assertThat(accepted.destination()).isEqualTo(E164);
        assertThat(accepted.source()).isEqualTo(new SourceAddress("Test", 5, 0));
    }

    @Test
    void cloudhopperOnItsDefaultsSendsToABareNumberFromASenderName() throws Exception {
        start(AddressingConfig.DEFAULTS);
        SmppSession session = cloudhopper();
        com.cloudhopper.smpp.pdu.SubmitSm submit = new com.cloudhopper.smpp.pdu.SubmitSm();
        Address source = new Address();
        source.setAddress("Test");
        Address destination = new Address();
        destination.setAddress(HANDSET);
        submit.setSourceAddress(source);
        submit.setDestAddress(destination);
        submit.setShortMessage("hei".getBytes(StandardCharsets.US_ASCII));

        com.cloudhopper.smpp.pdu.SubmitSmResp resp = session.submit(submit, 5_000);

        assertThat(resp.getCommandStatus()).isZero();
        assertSent(southbound(1), 5, 0, "Test", 1, 1, HANDSET);
        assertThat(accepted(resp.getMessageId()).destination()).isEqualTo(E164);
    }

    @ParameterizedTest(name = "short code at TON {0} NPI {1}")
    @CsvSource({"0, 0", "1, 1", "2, 1", "3, 0"})
    void aShortCodeSenderAtAnyTypeOfNumberLeavesAsAShortCode(byte ton, byte npi) throws Exception {
        start(AddressingConfig.DEFAULTS);

        String id = jsmppSubmit(TypeOfNumber.valueOf(ton), NumberingPlanIndicator.valueOf(npi), "12345",
                TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, HANDSET);

        assertSent(southbound(1), 3, 0, "12345", 1, 1, HANDSET);
        assertThat(accepted(id).source()).isEqualTo(new SourceAddress("12345", 3, 0));
    }

    /** Kannel with source-addr-autodetect sends numbers without '+' as TON 2 / NPI 1, both sides. */
    @Test
    void kannelsNationalTypeForE164NumbersIsReadAsInternational() throws Exception {
        start(AddressingConfig.DEFAULTS);

        String id = jsmppSubmit(TypeOfNumber.NATIONAL, NumberingPlanIndicator.ISDN, "4790000002",
                TypeOfNumber.NATIONAL, NumberingPlanIndicator.ISDN, HANDSET);

        assertSent(southbound(1), 1, 1, "4790000002", 1, 1, HANDSET);
        TrafficRecord accepted = accepted(id);
        assertThat(accepted.destination()).isEqualTo(E164);
        assertThat(accepted.source()).isEqualTo(new SourceAddress("4790000002", 1, 1));
    }

    @Test
    void aPlusAtInternationalTypeIsTolerated() throws Exception {
        start(AddressingConfig.DEFAULTS);

        String id = jsmppSubmit(TypeOfNumber.NATIONAL, NumberingPlanIndicator.ISDN, "4790000002",
                TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, E164);

        assertSent(southbound(1), 1, 1, "4790000002", 1, 1, HANDSET);
        assertThat(accepted(id).destination()).isEqualTo(E164);
    }

    @Test
    void anEmptySourceIsTheCustomersDefaultSender() throws Exception {
        start(new AddressingConfig(null, null, "EbbBank"));

        String id = jsmppSubmit(TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, "",
                TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, HANDSET);

        assertSent(southbound(1), 5, 0, "EbbBank", 1, 1, HANDSET);
        assertThat(accepted(id).source()).isEqualTo(new SourceAddress("EbbBank", 5, 0));
    }

    @Test
    void nationalNumbersAreReadWithTheCustomersCountryCode() throws Exception {
        start(new AddressingConfig("47", null, null));

        String trunk = jsmppSubmit(TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, "Test",
                TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, "090000001");
        String national = jsmppSubmit(TypeOfNumber.NATIONAL, NumberingPlanIndicator.ISDN, "Test",
                TypeOfNumber.NATIONAL, NumberingPlanIndicator.ISDN, "90000001");

        southbound(2);
        assertThat(smsc.submits()).allSatisfy(s -> assertSent(s, 5, 0, "Test", 1, 1, HANDSET));
        assertThat(accepted(trunk).destination()).isEqualTo(E164);
        assertThat(accepted(national).destination()).isEqualTo(E164);
    }

    /**
     * SMPP 3.4 §5.1.3: 0x0B ESME_RINVDSTADR for a dest_addr that is no number after normalisation (letters, over 15
     * digits, empty, TON 5, NPI not 0/1), 0x0A ESME_RINVSRCADR for a source_addr that is no sender (a name over 11 or
     * outside GSM 7-bit, a number with an NPI not 0/1).
     */
    @Test
    void addressesThatAreNoneAreRefusedWithTheirFieldsCodeAndLeaveNoRecord() throws Exception {
        start(AddressingConfig.DEFAULTS);
        String[][] cases = {
                {"0", "0", "Test", "0", "0", "EbbBank", "0B"},
                {"0", "0", "Test", "0", "0", "4790000000000001", "0B"},
                {"0", "0", "Test", "0", "0", "", "0B"},
                {"0", "0", "Test", "5", "0", HANDSET, "0B"},
                {"0", "0", "Test", "1", "9", HANDSET, "0B"},
                {"0", "0", "EbbBankNorge", "0", "0", HANDSET, "0A"},
                {"5", "0", "EbbBankNorge", "0", "0", HANDSET, "0A"},
                {"0", "0", "Ebb`", "0", "0", HANDSET, "0A"},
                {"1", "9", "4790000002", "0", "0", HANDSET, "0A"},
                {"0", "0", "", "0", "0", HANDSET, "0A"},
        };
        for (String[] c : cases) {
            assertThat(jsmppStatus(Integer.parseInt(c[0]), Integer.parseInt(c[1]), c[2], Integer.parseInt(c[3]),
                    Integer.parseInt(c[4]), c[5])).as(String.join(" ", c)).isEqualTo(Integer.parseInt(c[6], 16));
        }
        assertNothingAcceptedThenOneIs();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Grüße", "Ebbé"})
    void aSenderNameOutsideGsmAsciiIsRefused(String name) throws Exception {
        start(AddressingConfig.DEFAULTS);
        SmppSession session = cloudhopper();
        com.cloudhopper.smpp.pdu.SubmitSm submit = new com.cloudhopper.smpp.pdu.SubmitSm();
        submit.setSourceAddress(new Address((byte) 0, (byte) 0, name));
        submit.setDestAddress(new Address((byte) 0, (byte) 0, HANDSET));
        submit.setShortMessage("hei".getBytes(StandardCharsets.US_ASCII));

        assertThat(session.submit(submit, 5_000).getCommandStatus()).isEqualTo(0x0A);
        assertNothingAcceptedThenOneIs();
    }

    /** The refused submits left nothing, and the session (and the gateway) still take the next one. */
    private void assertNothingAcceptedThenOneIs() throws Exception {
        assertThat(acceptedRecords()).isEmpty();
        jsmppSubmit(TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, "Test", TypeOfNumber.UNKNOWN,
                NumberingPlanIndicator.UNKNOWN, HANDSET);
        assertSent(southbound(1), 5, 0, "Test", 1, 1, HANDSET);
        assertThat(acceptedRecords()).hasSize(1);
    }

    private void start(AddressingConfig addressing) throws Exception {
        smsc = new JsmppTestSmsc(TestGateway.freePort());
        gateway.start(TestGateway.builder(gateway.dataDir(), smsc.port(), false).addressing(addressing).build());
    }

    private String jsmppSubmit(TypeOfNumber sourceTon, NumberingPlanIndicator sourceNpi, String source,
                               TypeOfNumber destTon, NumberingPlanIndicator destNpi, String destination)
            throws Exception {
        return jsmpp().submitShortMessage("", sourceTon, sourceNpi, source, destTon, destNpi, destination,
                new ESMClass(), (byte) 0, (byte) 0, null, null, new RegisteredDelivery(0), (byte) 0, DataCodings.ZERO,
                (byte) 0, "hei".getBytes(StandardCharsets.US_ASCII)).getMessageId();
    }

    private int jsmppStatus(int sourceTon, int sourceNpi, String source, int destTon, int destNpi, String destination)
            throws Exception {
        try {
            jsmppSubmit(TypeOfNumber.valueOf((byte) sourceTon), NumberingPlanIndicator.valueOf((byte) sourceNpi),
                    source, TypeOfNumber.valueOf((byte) destTon), NumberingPlanIndicator.valueOf((byte) destNpi),
                    destination);
            return 0;
        } catch (NegativeResponseException e) {
            return e.getCommandStatus();
        }
    }

    private SMPPSession jsmpp() throws Exception {
        if (jsmpp == null) {
            jsmpp = new SMPPSession();
            jsmpp.connectAndBind("127.0.0.1", gateway.smppPort(), new BindParameter(BindType.BIND_TX,
                    TestGateway.SYSTEM_ID, TestGateway.PASSWORD, "", TypeOfNumber.UNKNOWN,
                    NumberingPlanIndicator.UNKNOWN, null));
        }
        return jsmpp;
    }

    private SmppSession cloudhopper() throws Exception {
        DefaultSmppClient client = new DefaultSmppClient();
        gateway.closeAfter(client::destroy);
        SmppSessionConfiguration config = new SmppSessionConfiguration(SmppBindType.TRANSMITTER,
                TestGateway.SYSTEM_ID, TestGateway.PASSWORD);
        config.setHost("127.0.0.1");
        config.setPort(gateway.smppPort());
        SmppSession session = client.bind(config, new DefaultSmppSessionHandler());
        gateway.closeAfter(session::destroy);
        return session;
    }

    /** Waits until the SMSC has {@code count} submits; returns the last. */
    private SubmitSm southbound(int count) {
        Await.until(count + " submit_sm at the SMSC", WAIT, () -> smsc.submits().size() >= count);
        assertThat(smsc.submits()).hasSize(count);
        return smsc.submits().get(count - 1);
    }

    private static void assertSent(SubmitSm s, int sourceTon, int sourceNpi, String source, int destTon, int destNpi,
                                   String destination) {
        assertThat(List.<Object>of(s.getSourceAddrTon(), s.getSourceAddrNpi(), s.getSourceAddr(), s.getDestAddrTon(),
                s.getDestAddrNpi(), s.getDestAddress())).isEqualTo(List.<Object>of((byte) sourceTon,
                (byte) sourceNpi, source, (byte) destTon, (byte) destNpi, destination));
    }

    private TrafficRecord accepted(String messageId) {
        return gateway.recordsOf(messageId).stream().map(StoredRecord::record)
                .filter(r -> r.eventType() == EventType.ACCEPTED).findFirst().orElseThrow();
    }

    private List<TrafficRecord> acceptedRecords() {
        Instant now = Instant.now();
        return gateway.metadata().query(TrafficQuery.byCustomer(TestGateway.SYSTEM_ID, now.minus(Duration.ofHours(1)),
                        now.plus(Duration.ofHours(1)))).records().stream().map(StoredRecord::record)
                .filter(r -> r.eventType() == EventType.ACCEPTED).toList();
    }
}
