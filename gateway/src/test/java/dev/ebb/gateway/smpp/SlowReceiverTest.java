package dev.ebb.gateway.smpp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.gateway.config.SmppServerConfig;
import dev.ebb.gateway.core.BindType;
import dev.ebb.gateway.core.SmppAddress;
import dev.ebb.gateway.smpp.pdu.CommandStatus;
import dev.ebb.gateway.smpp.pdu.Pdu;
import dev.ebb.gateway.smpp.pdu.Tlv;
import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.RawSmppClient;
import dev.ebb.gateway.testing.TestConfigs;
import dev.ebb.gateway.testing.TestGateway;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Receipts for a customer whose receiver does not read, against the whole gateway over real sockets (issue 9,
 * item 4, second round): they used to be queued in the connection without limit, and again on every retry.
 */
class SlowReceiverTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int MESSAGES = 5_000;
    private static final int BATCH = 500;

    /**
     * Long enough that no deliver_sm of the unanswered window times out while the test reads it on a loaded machine:
     * a timeout frees its slot, and the deliver_sm then sent beyond the window would be right, not a leak.
     */
    private static final Duration RESPONSE_TIMEOUT = Duration.ofMinutes(5);

    @RegisterExtension
    final GatewayFixture gateway = GatewayFixture.startedWith(dir -> TestGateway.builder(dir, TestGateway.freePort(), true)
            .smpp(TestConfigs.smppServer().responseTimeout(RESPONSE_TIMEOUT).build()).build());

    @Test
    void receiptsForAReceiverThatDoesNotReadWaitInEbbNotInItsConnectionAndArriveOnceItReads() throws Exception {
        try (RawSmppClient receiver = bound(RawSmppClient.withSmallBuffers(gateway.smppPort()), BindType.RECEIVER);
             RawSmppClient transmitter = bound(new RawSmppClient(gateway.smppPort()), BindType.TRANSMITTER)) {
            Set<String> ids = submit(transmitter, MESSAGES);

            Await.until("every message has its SMSC receipt", WAIT,
                    () -> gateway.metric("ebb_receipts_awaiting") == 0 && gateway.metric("ebb_southbound_queued") == 0);
            assertThat(gateway.metric("ebb_smpp_outbound_pending_bytes")).as("bytes queued in Ebb for the receiver")
                    .isLessThan(256 * 1024);
            assertThat(gateway.metric("ebb_receipts_waiting_for_bind")).as("receipts Ebb holds for the receiver")
                    .isEqualTo(MESSAGES);

            // Reading now but not answering: a window of deliver_sm, then nothing until the customer answers.
            // The window is read whole however slowly it comes (a loaded machine left gaps over 1 s in it); only then
            // does a quiet second show that no deliver_sm beyond it is sent.
            List<Pdu.DeliverSm> unanswered = new ArrayList<>();
            while (unanswered.size() < SmppServerConfig.DEFAULT_WINDOW) {
                Pdu pdu = receiver.readWithin(WAIT);
                assertThat(pdu).as("deliver_sm %d of the window", unanswered.size() + 1).isNotNull();
                unanswered.add((Pdu.DeliverSm) pdu);
            }
            assertThat(receiver.readWithin(Duration.ofSeconds(1))).as("a deliver_sm beyond the window, unanswered")
                    .isNull();

            Set<String> receipted = new HashSet<>();
            for (Pdu.DeliverSm receipt : unanswered) {
                receipted.add(answer(receiver, receipt));
            }
            while (!receipted.containsAll(ids)) {
                receipted.add(answer(receiver, (Pdu.DeliverSm) receiver.read()));
            }
            Await.until("every receipt is taken", WAIT, () -> gateway.metric("ebb_receipts_forwarded_total") >= MESSAGES);
            assertThat(gateway.metric("ebb_receipts_waiting_for_bind")).isZero();
        }
    }

    /** Answers the receipt with ESME_ROK; returns the id of the message it is for. */
    private static String answer(RawSmppClient receiver, Pdu.DeliverSm receipt) throws Exception {
        receiver.send(new Pdu.DeliverSmResp(receipt.sequenceNumber(), CommandStatus.ESME_ROK));
        byte[] id = receipt.tlv(Tlv.RECEIPTED_MESSAGE_ID).orElseThrow().value();
        return new String(id, 0, id.length - 1, StandardCharsets.US_ASCII);
    }

    /** Submits {@code count} messages wanting receipts, a batch at a time; returns their ids. */
    private static Set<String> submit(RawSmppClient transmitter, int count) throws Exception {
        Set<String> ids = new HashSet<>();
        for (int sent = 0; sent < count; sent += BATCH) {
            for (int i = 1; i <= BATCH; i++) {
                transmitter.send(Pdu.SubmitSm.builder().sequenceNumber(sent + i)
                        .source(SmppAddress.international("4790000001")).destination(SmppAddress.international("4790000002"))
                        .registeredDelivery(1).shortMessage("receipt wanted".getBytes(StandardCharsets.ISO_8859_1)).build());
            }
            for (int i = 0; i < BATCH; i++) {
                Pdu.SubmitSmResp resp = (Pdu.SubmitSmResp) transmitter.read();
                assertThat(resp.commandStatus()).isZero();
                ids.add(resp.messageId());
            }
        }
        return ids;
    }

    private static RawSmppClient bound(RawSmppClient client, BindType type) throws Exception {
        return client.bind(type, TestGateway.SYSTEM_ID, TestGateway.PASSWORD);
    }
}
