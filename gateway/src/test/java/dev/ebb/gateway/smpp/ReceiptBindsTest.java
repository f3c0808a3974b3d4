package dev.ebb.gateway.smpp;

import dev.ebb.gateway.testing.RawSmppClient;
import static org.assertj.core.api.Assertions.assertThat;

import com.cloudhopper.smpp.SmppBindType;
import com.cloudhopper.smpp.SmppSession;
import com.cloudhopper.smpp.SmppSessionConfiguration;
import com.cloudhopper.smpp.impl.DefaultSmppClient;
import com.cloudhopper.smpp.impl.DefaultSmppSessionHandler;
import com.cloudhopper.smpp.pdu.PduRequest;
import com.cloudhopper.smpp.pdu.PduResponse;
import com.cloudhopper.smpp.type.Address;
import dev.ebb.gateway.config.ReceiptBinds;
import dev.ebb.gateway.core.BindType;
import dev.ebb.gateway.core.SmppAddress;
import dev.ebb.gateway.receipt.SmppReceiptSender;
import dev.ebb.gateway.smpp.pdu.CommandStatus;
import dev.ebb.gateway.smpp.pdu.Pdu;
import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.EsmeClient;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.TestGateway;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Receipts go back to the application that sent the message when several share one system_id (issue 11: Kannel and
 * a node client on one account got each other's receipts, and Kannel logged "got DLR but could not find message").
 * Whole gateway, real sockets, two independent SMPP implementations.
 */
class ReceiptBindsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int MESSAGES = 10;
    private static final Pattern RECEIPT_ID = Pattern.compile("^id:(\\S+) ");

    @RegisterExtension
    final GatewayFixture gateway = GatewayFixture.unstarted();

    @Test
    void twoApplicationsSharingASystemIdEachGetExactlyTheirOwnReceipts() throws Exception {
        startWithTheDefaultReceiptBinds();
        EsmeClient jsmpp = gateway.esme();
        CloudhopperApp cloudhopper = gateway.closeAfter(new CloudhopperApp(gateway.smppPort()));

        Set<String> jsmppIds = new HashSet<>();
        Set<String> cloudhopperIds = new HashSet<>();
        for (int i = 0; i < MESSAGES; i++) {
            jsmppIds.add(jsmpp.submit("+47900001" + String.format("%02d", i), "from jsmpp", StandardCharsets.ISO_8859_1,
                    (byte) 0x03));
            cloudhopperIds.add(cloudhopper.submit("47900002" + String.format("%02d", i)));
        }

        Await.until("every receipt has arrived", WAIT,
                () -> jsmppReceipts(jsmpp).size() + cloudhopper.receipts().size() == 2 * MESSAGES);
        assertThat(jsmppReceipts(jsmpp)).containsExactlyInAnyOrderElementsOf(jsmppIds);
        assertThat(cloudhopper.receipts()).containsExactlyInAnyOrderElementsOf(cloudhopperIds);
    }

    @Test
    void withReceiptBindsAnyTheReceiptsAreSpreadOverEveryReceiver() throws Exception {
        gateway.start(TestGateway.config(gateway.dataDir(), ReceiptBinds.ANY));
        EsmeClient jsmpp = gateway.esme();
        CloudhopperApp cloudhopper = gateway.closeAfter(new CloudhopperApp(gateway.smppPort()));

        Set<String> ids = new HashSet<>();
        for (int i = 0; i < MESSAGES; i++) {
            ids.add(jsmpp.submit("+47900003" + String.format("%02d", i), "spread", StandardCharsets.ISO_8859_1,
                    (byte) 0x03));
        }

        Await.until("every receipt has arrived", WAIT,
                () -> jsmppReceipts(jsmpp).size() + cloudhopper.receipts().size() == MESSAGES);
        assertThat(cloudhopper.receipts()).as("receipts of jSMPP's messages the Cloudhopper bind took").isNotEmpty();
        assertThat(jsmppReceipts(jsmpp)).isNotEmpty();
        List<String> all = new ArrayList<>(jsmppReceipts(jsmpp));
        all.addAll(cloudhopper.receipts());
        assertThat(all).containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void aReceiptWhoseSubmittingBindIsGoneGoesToAnotherReceiverOfTheSystemId() throws Exception {
        startWithTheDefaultReceiptBinds();
        EsmeClient other = gateway.esme();
        String id;
        // Submits from another address and leaves without answering any deliver_sm: the receipt cannot stay with it.
        try (RawSmppClient gone = bound(RawSmppClient.from("127.0.0.2", gateway.smppPort()), BindType.TRANSCEIVER)) {
            gone.send(submit(2, "4790000401"));
            Pdu.SubmitSmResp resp = (Pdu.SubmitSmResp) gone.read();
            assertThat(resp.commandStatus()).isZero();
            id = resp.messageId();
        }

        Await.until("the receipt reaches the bind still up", WAIT, () -> jsmppReceipts(other).contains(id));
        assertThat(jsmppReceipts(other)).containsExactly(id);
    }

    @Test
    void aTransmittersReceiptsGoToTheReceiverBoundFromTheSameClientAddress() throws Exception {
        startWithTheDefaultReceiptBinds();
        EsmeClient elsewhere = gateway.esme(); // a transceiver of the same system_id on 127.0.0.1
        try (RawSmppClient receiver = bound(RawSmppClient.from("127.0.0.2", gateway.smppPort()), BindType.RECEIVER);
             RawSmppClient transmitter = bound(RawSmppClient.from("127.0.0.2", gateway.smppPort()), BindType.TRANSMITTER)) {
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < MESSAGES; i++) {
                transmitter.send(submit(2 + i, "47900005" + String.format("%02d", i)));
                Pdu.SubmitSmResp resp = (Pdu.SubmitSmResp) transmitter.read();
                assertThat(resp.commandStatus()).isZero();
                ids.add(resp.messageId());
            }

            Set<String> received = new HashSet<>();
            for (Pdu pdu; !received.containsAll(ids) && (pdu = receiver.readWithin(WAIT)) != null; ) {
                receiver.send(new Pdu.DeliverSmResp(pdu.sequenceNumber(), CommandStatus.ESME_ROK));
                received.add(receiptId(((Pdu.DeliverSm) pdu).shortMessage()));
            }
            assertThat(jsmppReceipts(elsewhere)).as("receipts that reached the transceiver on 127.0.0.1").isEmpty();
            assertThat(received).isEqualTo(ids);
        }
    }

    /**
     * An application that stops answering deliver_sm keeps its own receipts waiting, up to the customer's limit of
     * receipts held; past it, it is its receipts that go, not those of another application on the same system_id
     * (hostile test: 10,500 receipts for a stalled Kannel-like bind filled the customer's 10,000, and every receipt of
     * the healthy application after that was dropped).
     */
    @Test
    void aStalledApplicationsReceiptsDoNotCrowdOutAnotherApplicationsOnTheSystemId() throws Exception {
        startWithTheDefaultReceiptBinds();
        int stalled = SmppReceiptSender.DEFAULT_MAX_HELD + 100;
        try (RawSmppClient receiver = bound(RawSmppClient.from("127.0.0.2", gateway.smppPort()), BindType.RECEIVER);
             RawSmppClient transmitter = bound(RawSmppClient.from("127.0.0.2", gateway.smppPort()), BindType.TRANSMITTER)) {
            int batch = 500;
            for (int sent = 0; sent < stalled; sent += batch) {
                for (int i = 0; i < batch; i++) {
                    transmitter.send(submit(2 + sent + i, "4790000600"));
                }
                for (int i = 0; i < batch; i++) {
                    assertThat(((Pdu.SubmitSmResp) transmitter.read()).commandStatus()).isZero();
                }
            }
            Await.until("the stalled application's receipts fill the customer's limit", WAIT,
                    () -> gateway.metric("ebb_receipts_waiting_for_bind") >= SmppReceiptSender.DEFAULT_MAX_HELD);

            EsmeClient healthy = gateway.esme();
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < MESSAGES; i++) {
                ids.add(healthy.submit("+47900007" + String.format("%02d", i), "healthy", StandardCharsets.ISO_8859_1,
                        (byte) 0x01));
            }

            Await.until("the healthy application's receipts", WAIT, () -> jsmppReceipts(healthy).containsAll(ids));
            assertThat(jsmppReceipts(healthy)).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(gateway.metric("ebb_receipts_waiting_for_bind")).isLessThanOrEqualTo(
                    SmppReceiptSender.DEFAULT_MAX_HELD);
        }
    }

    private void startWithTheDefaultReceiptBinds() throws InterruptedException {
        gateway.start(TestGateway.config(gateway.dataDir(), TestGateway.freePort(), true));
    }

    private static Pdu.SubmitSm submit(int sequence, String to) {
        return Pdu.SubmitSm.builder().sequenceNumber(sequence).source(new SmppAddress((byte) 5, (byte) 0, "Acme"))
                .destination(SmppAddress.international(to)).registeredDelivery(1)
                .shortMessage("raw".getBytes(StandardCharsets.US_ASCII)).build();
    }

    private static RawSmppClient bound(RawSmppClient client, BindType type) throws Exception {
        client.send(new Pdu.Bind(type, 1, TestGateway.SYSTEM_ID, TestGateway.PASSWORD, "", (byte) 0x34, (byte) 0,
                (byte) 0, ""));
        assertThat(((Pdu.BindResp) client.read()).commandStatus()).isZero();
        return client;
    }

    private static List<String> jsmppReceipts(EsmeClient esme) {
        return esme.received().stream().map(d -> receiptId(d.getShortMessage())).toList();
    }

    /** The message id a receipt's text names (SMPP 3.4 Appendix B: "id:IIIIIIIIII sub:…"). */
    private static String receiptId(byte[] text) {
        Matcher m = RECEIPT_ID.matcher(new String(text, StandardCharsets.US_ASCII));
        assertThat(m.find()).as("a receipt text").isTrue();
        return m.group(1);
    }

    /** A second application on the same system_id, on Cloudhopper's SMPP stack: a transceiver keeping its receipts. */
    private static final class CloudhopperApp implements AutoCloseable {
        private final DefaultSmppClient client = new DefaultSmppClient();
        private final List<String> receipts = new CopyOnWriteArrayList<>();
        private final SmppSession session;

        CloudhopperApp(int port) throws Exception {
            SmppSessionConfiguration config = new SmppSessionConfiguration(SmppBindType.TRANSCEIVER,
                    TestGateway.SYSTEM_ID, TestGateway.PASSWORD);
            config.setHost("127.0.0.1");
            config.setPort(port);
            session = client.bind(config, new DefaultSmppSessionHandler() {
                @Override
                public PduResponse firePduRequestReceived(PduRequest request) {
                    if (request instanceof com.cloudhopper.smpp.pdu.DeliverSm deliver) {
                        receipts.add(receiptId(deliver.getShortMessage()));
                    }
                    return request.createResponse();
                }
            });
        }

        String submit(String to) throws Exception {
            com.cloudhopper.smpp.pdu.SubmitSm submit = new com.cloudhopper.smpp.pdu.SubmitSm();
            submit.setSourceAddress(new Address((byte) 5, (byte) 0, "Acme"));
            submit.setDestAddress(new Address((byte) 1, (byte) 1, to));
            submit.setRegisteredDelivery((byte) 1);
            submit.setShortMessage("from cloudhopper".getBytes(StandardCharsets.US_ASCII));
            return session.submit(submit, 5_000).getMessageId();
        }

        List<String> receipts() {
            return receipts;
        }

        @Override
        public void close() {
            session.unbind(1_000);
            session.destroy();
            client.destroy();
        }
    }
}
