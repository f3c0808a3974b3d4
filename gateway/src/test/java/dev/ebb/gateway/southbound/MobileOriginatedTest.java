package dev.ebb.gateway.southbound;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.gateway.route.MoRouter;
import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.EsmeClient;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.LogCapture;
import dev.ebb.gateway.testing.TestGateway;
import dev.ebb.metadata.Channel;
import dev.ebb.metadata.EventType;
import dev.ebb.metadata.MetadataStore;
import dev.ebb.metadata.StoredRecord;
import dev.ebb.metadata.TrafficQuery;
import dev.ebb.metadata.TrafficRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.TypeOfNumber;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A handset writes to a customer's number: the operator SMSC (jSMPP's server, independent of Ebb's codec) sends a
 * deliver_sm, Ebb passes it to the customer's SMPP receiver and answers the SMSC only then, keeping no content.
 */
class MobileOriginatedTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String NUMBER = "+4722000001";
    private static final String HANDSET = "4790000099";
    private static final String SHORT_CODE = "2222";

    @RegisterExtension
    final GatewayFixture gateway = GatewayFixture.unstarted();
    private JsmppTestSmsc smsc;

    @BeforeEach
    void start() throws Exception {
        smsc = new JsmppTestSmsc(TestGateway.freePort());
        gateway.start(TestGateway.builder(gateway.dataDir(), smsc.port(), false).moNumbers(List.of(NUMBER, SHORT_CODE))
                .build());
        Await.until("the connector bound to the SMSC", WAIT, this::bound);
    }

    @AfterEach
    void stop() throws Exception {
        gateway.stop(); // before the SMSC, so the connector does not start reconnecting
        smsc.close();
    }

    @Test
    void aMessageToTheCustomersNumberReachesItsReceiverAndIsRecordedWithoutContent() throws Exception {
        try (EsmeClient esme = gateway.esme()) {
            int status = smsc.sendMo(HANDSET, NUMBER.substring(1), "STOP MARKER-Mo44q");

            assertThat(status).isZero();
            DeliverSm mo = esme.received().get(0);
            assertThat(new String(mo.getShortMessage(), StandardCharsets.US_ASCII)).isEqualTo("STOP MARKER-Mo44q");
            assertThat(mo.getSourceAddr()).isEqualTo(HANDSET);
            assertThat(mo.getDestAddress()).isEqualTo(NUMBER.substring(1));
            assertThat(mo.isSmscDeliveryReceipt()).isFalse();
            List<TrafficRecord> records = moRecords();
            assertThat(records).hasSize(1);
            TrafficRecord r = records.get(0);
            assertThat(r.customerId()).isEqualTo(TestGateway.SYSTEM_ID);
            assertThat(r.channel()).isEqualTo(Channel.SMSC);
            assertThat(r.source().value()).isEqualTo(HANDSET);
            assertThat(r.destination()).isEqualTo(NUMBER);
            assertThat(r.toString()).doesNotContain("MARKER-Mo44q");
        }
    }

    @Test
    void aMessageTooLongForAShortMessageIsPassedOnAsMessagePayload() throws Exception {
        String text = "x".repeat(300);
        try (EsmeClient esme = gateway.esme()) {
            int status = smsc.sendMo(HANDSET, NUMBER.substring(1), text);

            assertThat(status).isZero();
            DeliverSm mo = esme.received().get(0);
            assertThat(mo.getShortMessage()).isNullOrEmpty();
            assertThat(((OptionalParameter.OctetString) mo.getOptionalParameter(OptionalParameter.Tag.MESSAGE_PAYLOAD))
                    .getValueAsString()).isEqualTo(text);
        }
    }

    @Test
    void anIntermediateNotificationIsTakenButNotPassedOnAsAMessage() throws Exception {
        try (EsmeClient esme = gateway.esme()) {
            int status = smsc.sendDeliverSm(HANDSET, NUMBER.substring(1), "enroute", 0x20);

            assertThat(status).isZero();
            assertThat(esme.received()).isEmpty();
            assertThat(moRecords()).isEmpty();
        }
    }

    @Test
    void withNoReceiverBoundTheSmscIsAskedToRetryAndNothingIsKept() throws Exception {
        int status = smsc.sendMo(HANDSET, NUMBER.substring(1), "hello");

        assertThat(status).isEqualTo(0x64); // ESME_RX_T_APPN: the SMSC keeps it and retries
        assertThat(moRecords()).isEmpty();
    }

    @Test
    void aMessageToANumberNoCustomerHasIsRefused() throws Exception {
        try (EsmeClient esme = gateway.esme()) {
            int status = smsc.sendMo(HANDSET, "4722000002", "hello");

            assertThat(status).isEqualTo(0x0B); // ESME_RINVDSTADR
            assertThat(esme.received()).isEmpty();
        }
    }

    /** Issue 11: SMSCs give their own numbers as TON 0 without '+' too; that was 0x0B. */
    @Test
    void aMessageToTheCustomersNumberAtUnknownTypeWithoutPlusReachesItsReceiver() throws Exception {
        try (EsmeClient esme = gateway.esme()) {
            int status = smsc.sendDeliverSm(HANDSET, TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN,
                    NUMBER.substring(1), "hello", 0);

            assertThat(status).isZero();
            assertThat(esme.received()).hasSize(1);
            assertThat(moRecords()).hasSize(1);
        }
    }

    /** Issue 11: moNumbers may hold short codes, matched whatever TON the SMSC gives them. */
    @ParameterizedTest
    @ValueSource(bytes = {0, 3, 6})
    void aMessageToTheCustomersShortCodeReachesItsReceiver(byte ton) throws Exception {
        try (EsmeClient esme = gateway.esme()) {
            int status = smsc.sendDeliverSm(HANDSET, TypeOfNumber.valueOf(ton), NumberingPlanIndicator.UNKNOWN,
                    SHORT_CODE, "hello", 0);

            assertThat(status).isZero();
            assertThat(esme.received()).hasSize(1);
            assertThat(esme.received().get(0).getDestAddress()).isEqualTo(SHORT_CODE);
        }
    }

    /** Issue 11: a refused MO left no line when its address was unreadable, and one line per message otherwise. */
    @Test
    void refusedMessagesLeaveOneMaskedLineWithoutTheirText() throws Exception {
        try (EsmeClient esme = gateway.esme(); LogCapture log = new LogCapture(MoRouter.class.getName())) {
            for (int i = 0; i < 5; i++) {
                assertThat(smsc.sendMo(HANDSET, "4722000002", "SECRET-TEXT-k2")).isEqualTo(0x0B);
            }

            List<String> lines = log.lines().stream().filter(l -> l.contains("no customer has")).toList();
            assertThat(lines).hasSize(1);
            assertThat(lines.get(0)).contains("+4722***002").contains("0xb")
                    .doesNotContain("4722000002").doesNotContain("SECRET-TEXT");
        }
    }

    private boolean bound() {
        return smsc.answersMo(HANDSET);
    }

    private List<TrafficRecord> moRecords() {
        return moRecords(gateway.metadata(), NUMBER);
    }

    /** The MO_RECEIVED records of messages to {@code number} of the last hour. */
    static List<TrafficRecord> moRecords(MetadataStore store, String number) {
        Instant now = Instant.now();
        return store.query(TrafficQuery.byMsisdn(number, TrafficQuery.Role.DESTINATION,
                        now.minus(Duration.ofHours(1)), now.plusSeconds(1))).records().stream()
                .map(StoredRecord::record).filter(r -> r.eventType() == EventType.MO_RECEIVED).toList();
    }
}
