package dev.ebb.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.EsmeClient;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.TestGateway;
import dev.ebb.metadata.EventType;
import dev.ebb.metadata.StoredRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.extra.NegativeResponseException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** The whole path over real sockets: customer ESME → Ebb → jSMPP connector → embedded simulator → receipt back. */
class GatewayEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    final GatewayFixture gateway = GatewayFixture.withSimulator();
    private EsmeClient esme;

    @BeforeEach
    void bind() throws Exception {
        esme = gateway.esme();
    }

    @Test
    void aMessageIsDeliveredAndItsReceiptComesBackWithEbbsId() throws Exception {
        String id = esme.submit("+4790000001", "Your code is 1234", StandardCharsets.ISO_8859_1, (byte) 0x03);

        Await.until("the receipt for " + id, WAIT, () -> esme.receiptFor(id) != null);
        DeliverSm receipt = esme.receiptFor(id);
        String text = new String(receipt.getShortMessage(), StandardCharsets.US_ASCII);
        assertThat(receipt.isSmscDeliveryReceipt()).isTrue();
        assertThat(text).startsWith("id:" + id).contains("stat:DELIVRD").endsWith("text:");
        assertThat(((OptionalParameter.Byte) receipt.getOptionalParameter(OptionalParameter.Tag.MESSAGE_STATE)).getValue())
                .isEqualTo((byte) 2);
        assertThat(receipt.getSourceAddr()).isEqualTo("4790000001");
    }

    @Test
    void aCloudhopperClientGetsItsReceiptToo() throws Exception {
        // The jSMPP transceiver stays bound: the receipt goes back to the bind that submitted (ReceiptBindsTest).
        List<com.cloudhopper.smpp.pdu.DeliverSm> receipts = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.cloudhopper.smpp.impl.DefaultSmppClient client = new com.cloudhopper.smpp.impl.DefaultSmppClient();
        com.cloudhopper.smpp.SmppSessionConfiguration config = new com.cloudhopper.smpp.SmppSessionConfiguration(
                com.cloudhopper.smpp.SmppBindType.TRANSCEIVER, TestGateway.SYSTEM_ID, TestGateway.PASSWORD);
        config.setHost("127.0.0.1");
        config.setPort(gateway.smppPort());
        com.cloudhopper.smpp.SmppSession session = client.bind(config, new com.cloudhopper.smpp.impl.DefaultSmppSessionHandler() {
            @Override
            public com.cloudhopper.smpp.pdu.PduResponse firePduRequestReceived(com.cloudhopper.smpp.pdu.PduRequest request) {
                if (request instanceof com.cloudhopper.smpp.pdu.DeliverSm deliver) {
                    receipts.add(deliver);
                }
                return request.createResponse();
            }
        });
        try {
            com.cloudhopper.smpp.pdu.SubmitSm submit = new com.cloudhopper.smpp.pdu.SubmitSm();
            submit.setSourceAddress(new com.cloudhopper.smpp.type.Address((byte) 5, (byte) 0, "Acme"));
            submit.setDestAddress(new com.cloudhopper.smpp.type.Address((byte) 1, (byte) 1, "4790000007"));
            submit.setRegisteredDelivery((byte) 1);
            submit.setDataCoding((byte) 0x08);
            submit.setShortMessage("Grüße".getBytes(StandardCharsets.UTF_16BE));

            String id = session.submit(submit, 5_000).getMessageId();

            Await.until("the receipt reaches the Cloudhopper session", WAIT, () -> receipts.stream().anyMatch(
                    d -> new String(d.getShortMessage(), StandardCharsets.US_ASCII).startsWith("id:" + id + " ")));
            assertThat(receipts).allSatisfy(d -> assertThat(d.getEsmClass()).isEqualTo((byte) 0x04));
        } finally {
            session.unbind(1_000);
            session.destroy();
            client.destroy();
        }
    }

    @Test
    void aUcs2MessageIsDelivered() throws Exception {
        String id = esme.submit("+4790000002", "Привет, мир", StandardCharsets.UTF_16BE, (byte) 0x08);

        Await.until("the receipt for " + id, WAIT, () -> esme.receiptFor(id) != null);
    }

    @Test
    void eachSegmentOfAConcatenatedMessageGetsItsOwnIdAndReceipt() throws Exception {
        byte[] udh = {0x05, 0x00, 0x03, 0x2A, 0x02, 0x01};
        String first = esme.submit("+4790000003", new ESMClass(0x40), concat(udh, "part one "), (byte) 0);
        udh[5] = 0x02;
        String second = esme.submit("+4790000003", new ESMClass(0x40), concat(udh, "part two"), (byte) 0);

        Await.until("both receipts", WAIT, () -> esme.receiptFor(first) != null && esme.receiptFor(second) != null);
        List<StoredRecord> records = gateway.recordsOf(first);
        assertThat(records).first().satisfies(r -> {
            assertThat(r.record().segmentIndex()).isEqualTo(1);
            assertThat(r.record().segmentCount()).isEqualTo(2);
            assertThat(r.record().concatRef()).isEqualTo(0x2A);
        });
    }

    @Test
    void aMessageTheHandsetCannotTakeEndsUndeliverable() throws Exception {
        String id = esme.submit("+99912345678", "will fail", StandardCharsets.ISO_8859_1, (byte) 0x03);

        Await.until("the receipt for " + id, WAIT, () -> esme.receiptFor(id) != null);
        assertThat(new String(esme.receiptFor(id).getShortMessage(), StandardCharsets.US_ASCII)).contains("stat:UNDELIV");
    }

    @Test
    void everyStepOfAMessagesLifeIsATrafficRecordWithoutItsContent() throws Exception {
        String id = esme.submit("+4790000004", "MARKER-Zq81x", StandardCharsets.ISO_8859_1, (byte) 0x03);
        Await.until("the receipt for " + id, WAIT, () -> esme.receiptFor(id) != null);
        Await.until("the forwarded receipt is recorded", WAIT,
                () -> gateway.eventsOf(id).contains(EventType.RECEIPT_FORWARDED));

        List<EventType> events = gateway.eventsOf(id);

        assertThat(events).containsExactly(EventType.ACCEPTED, EventType.SUBMITTED, EventType.DELIVERED,
                EventType.RECEIPT_FORWARDED);
        assertThat(gateway.recordsOf(id)).allSatisfy(r -> {
            assertThat(r.record().destination()).isEqualTo("+4790000004");
            assertThat(r.record().customerId()).isEqualTo(TestGateway.SYSTEM_ID);
            assertThat(r.record().toString()).doesNotContain("MARKER-Zq81x");
        });
    }

    @Test
    void noLogLineOfAFullRunCarriesContentOrAWholeNumber() throws Exception {
        ListAppender<ILoggingEvent> logs = captureLogs();
        try {
            String ok = esme.submit("+4790000005", "MARKER-Lg55k", StandardCharsets.ISO_8859_1, (byte) 0x03);
            String failed = esme.submit("+99900000005", "MARKER-Lg55k", StandardCharsets.ISO_8859_1, (byte) 0x03);
            Await.until("both receipts", WAIT, () -> esme.receiptFor(ok) != null && esme.receiptFor(failed) != null);
            gateway.start(TestGateway.config(gateway.dataDir(), TestGateway.freePort(), true));
            esme = gateway.esme();
        } finally {
            detach(logs);
        }
        assertThat(logs.list).isNotEmpty();
        assertThat(logs.list).allSatisfy(e -> assertThat(e.getFormattedMessage())
                .doesNotContain("MARKER-Lg55k").doesNotContain("4790000005").doesNotContain("99900000005"));
    }

    @Test
    void metricsCarryNeitherContentNorNumbers() throws Exception {
        String id = esme.submit("+4790000008", "MARKER-Mx33t", StandardCharsets.ISO_8859_1, (byte) 0x03);
        Await.until("the receipt for " + id, WAIT, () -> esme.receiptFor(id) != null);

        String metrics = gateway.metrics();

        assertThat(metrics).contains("ebb_smpp_submits_total{status=\"ESME_ROK\"}")
                .doesNotContain("MARKER-Mx33t").doesNotContain("4790000008").doesNotContain(id);
    }

    @Test
    void contentIsNotOnDiskInTheClearWhileTheMessageIsInFlight() throws Exception {
        String id = esme.submit("+4790000006", "MARKER-Dk20p", StandardCharsets.ISO_8859_1, (byte) 0x03);
        Await.until("the receipt for " + id, WAIT, () -> esme.receiptFor(id) != null);

        try (Stream<Path> files = Files.walk(gateway.dataDir())) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                assertThat(bytes).as(file.toString()).doesNotContain("MARKER-Dk20p").doesNotContain("4790000006");
            }
        }
    }

    @Test
    void acceptedMessagesSurviveARestartAndAreDeliveredAfterIt() throws Exception {
        int simulatorPort = TestGateway.freePort();
        // First run: the SMSC is down, so accepted messages can only wait.
        gateway.start(TestGateway.config(gateway.dataDir(), simulatorPort, false));
        esme = gateway.esme();
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(esme.submit("+47900001" + (10 + i), "queued " + i, StandardCharsets.ISO_8859_1, (byte) 0x03));
        }

        gateway.start(TestGateway.config(gateway.dataDir(), simulatorPort, true));
        esme = gateway.esme();

        Await.until("receipts for all 20 messages accepted before the restart", WAIT,
                () -> ids.stream().allMatch(id -> esme.receiptFor(id) != null));
    }

    @Test
    void whenTheSmscCannotKeepUpCustomersArePushedBackWithMessageQueueFull() throws Exception {
        gateway.start(TestGateway.builder(gateway.dataDir(), TestGateway.freePort(), false).maxQueued(3).build());
        esme = gateway.esme();
        for (int i = 0; i < 3; i++) {
            esme.submit("+4790000020", "waits " + i, StandardCharsets.ISO_8859_1, (byte) 0x03);
        }

        assertThat(refusal("+4790000020", "one too many", (byte) 0x03)).isEqualTo(0x14); // ESME_RMSGQFUL
    }

    @Test
    void whenTheSmscCannotKeepUpHttpCustomersGet503WithRetryAfter() throws Exception {
        gateway.start(TestGateway.builder(gateway.dataDir(), TestGateway.freePort(), false).maxQueued(3).build());
        java.util.List<Integer> statuses = new java.util.ArrayList<>();
        java.net.http.HttpResponse<String> refused = null;
        for (int i = 0; i < 4; i++) {
            refused = gateway.http().send(java.net.http.HttpRequest.newBuilder(gateway.api("/v1/messages"))
                    .header("Authorization", "Bearer " + TestGateway.API_KEY)
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"to\":\"+4790000021\",\"from\":\"Acme\",\"text\":\"waits " + i + "\"}")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            statuses.add(refused.statusCode());
        }

        // The connector holds maxQueued messages; the next one is pushed back, not queued (RFC 9110 §15.6.4).
        assertThat(statuses).containsExactly(202, 202, 202, 503);
        assertThat(refused.headers().firstValue("Retry-After")).contains("1");
        assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("application/problem+json"));
        assertThat(refused.body()).contains("congested").doesNotContain("waits 3");
    }

    @Test
    void aComplianceOfficerFindsTheMessagesByNumberWithoutTheirContent() throws Exception {
        String id = esme.submit("+4790000030", "MARKER-Cq77s", StandardCharsets.ISO_8859_1, (byte) 0x03);
        Await.until("the receipt for " + id, WAIT, () -> esme.receiptFor(id) != null);
        Await.until("the forwarded receipt is recorded", WAIT,
                () -> gateway.eventsOf(id).contains(EventType.RECEIPT_FORWARDED));
        java.net.http.HttpClient http = gateway.http();

        java.net.http.HttpResponse<String> found = http.send(java.net.http.HttpRequest.newBuilder(
                        gateway.compliance("/v1/retention/records?msisdn=%2B4790000030"))
                .header("Authorization", "Bearer " + TestGateway.OFFICER_TOKEN)
                .header("X-Case-Reference", "2026-117").header("X-Legal-Basis", "court order 12/2026").build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        java.net.http.HttpResponse<String> customerKey = http.send(java.net.http.HttpRequest.newBuilder(
                        gateway.compliance("/v1/retention/records?msisdn=%2B4790000030"))
                .header("Authorization", "Bearer " + TestGateway.PASSWORD)
                .header("X-Case-Reference", "2026-117").header("X-Legal-Basis", "court order 12/2026").build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());

        assertThat(found.statusCode()).as(found.body()).isEqualTo(200);
        List<String> lines = found.body().lines().filter(l -> l.contains(id)).toList();
        assertThat(lines).hasSize(4);
        assertThat(found.body()).doesNotContain("MARKER-Cq77s");
        assertThat(customerKey.statusCode()).isEqualTo(401);
    }

    @Test
    void badSubmitsGetTheStatusSmppNamesForThem() throws Exception {
        assertThat(refusal("+12", "x", (byte) 0)).isEqualTo(0x0B); // ESME_RINVDSTADR
        // Issue 11: SMPP 3.4 §5.1.3 has no data_coding status (0x104 is SMPP 5.0's): 0x45 ESME_RSUBMITFAIL.
        assertThat(refusal("+4790000001", "x", (byte) 0x05)).isEqualTo(0x45);
    }

    private int refusal(String to, String text, byte dcs) throws Exception {
        try {
            esme.submit(to, text, StandardCharsets.ISO_8859_1, dcs);
            return 0;
        } catch (NegativeResponseException e) {
            return e.getCommandStatus();
        }
    }

    private static byte[] concat(byte[] udh, String text) {
        byte[] body = text.getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[udh.length + body.length];
        System.arraycopy(udh, 0, all, 0, udh.length);
        System.arraycopy(body, 0, all, udh.length, body.length);
        return all;
    }

    private static ListAppender<ILoggingEvent> captureLogs() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.setContext(context);
        appender.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
        context.getLogger("dev.ebb").setLevel(Level.DEBUG);
        return appender;
    }

    private static void detach(ListAppender<ILoggingEvent> appender) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(appender);
        context.getLogger("dev.ebb").setLevel(null);
    }
}
