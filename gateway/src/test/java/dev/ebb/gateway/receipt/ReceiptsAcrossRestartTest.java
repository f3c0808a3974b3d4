package dev.ebb.gateway.receipt;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.ebb.gateway.config.EbbConfig;
import dev.ebb.gateway.core.BindType;
import dev.ebb.gateway.core.SmppAddress;
import dev.ebb.gateway.smpp.pdu.CommandStatus;
import dev.ebb.gateway.smpp.pdu.Pdu;
import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.RawSmppClient;
import dev.ebb.gateway.testing.TestGateway;
import dev.ebb.metadata.EventType;
import dev.ebb.metadata.TrafficQuery;
import dev.ebb.testing.MutableClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 13: a final state whose receipt the customer has not taken is owed on disk and offered again after a restart,
 * from what is there (the content is gone by then), with the same message id; past {@code receipts.retryFor} it is
 * dropped with a RECEIPT_DROPPED record, never in silence. Before the outbox, a receipt waiting for a bind or for a
 * webhook retry was held in memory only: gone at the restart, with DELIVERED and no RECEIPT_FORWARDED on record.
 */
class ReceiptsAcrossRestartTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    final GatewayFixture gateway = GatewayFixture.unstarted();
    private final ObjectMapper json = new ObjectMapper();
    private HttpServer webhook;

    @AfterEach
    void stopWebhook() {
        if (webhook != null) {
            webhook.stop(0);
        }
    }

    @Test
    void anSmppReceiptNoReceiverTookReachesTheCustomerThatBindsAfterTheRestart() throws Exception {
        gateway.start(config());
        String id = submitFromATransmitter("4790000501");
        Await.until("the message delivered, its receipt waiting for a receiver", WAIT,
                () -> gateway.eventsOf(id).contains(EventType.DELIVERED));
        assertThat(gateway.eventsOf(id)).doesNotContain(EventType.RECEIPT_FORWARDED);

        gateway.stop();
        gateway.start(config());

        try (RawSmppClient receiver = bound(BindType.RECEIVER)) {
            Pdu.DeliverSm receipt = receiver.next(Pdu.DeliverSm.class);
            receiver.send(new Pdu.DeliverSmResp(receipt.sequenceNumber(), CommandStatus.ESME_ROK));
            assertThat(receipt.esmClass()).as("SMPP 3.4 §5.2.12: an SMSC delivery receipt").isEqualTo((byte) 0x04);
            assertThat(RawSmppClient.receiptedMessageId(receipt)).isEqualTo(id);
            String text = new String(receipt.shortMessage(), StandardCharsets.US_ASCII);
            assertThat(text).startsWith("id:" + id + " ").contains("stat:DELIVRD").endsWith("text:");
            assertThat(receipt.source().value()).as("from the handset").endsWith("4790000501");
            Await.until("the receipt recorded as forwarded", WAIT,
                    () -> gateway.eventsOf(id).contains(EventType.RECEIPT_FORWARDED));
        }
        assertThat(gateway.eventsOf(id)).as("offered again after the restart, said so once")
                .containsOnlyOnce(EventType.RECEIPT_RESENT, EventType.RECEIPT_FORWARDED);
        assertThat(gateway.metric("ebb_receipts_resent_total")).isEqualTo(1);
    }

    @Test
    void aWebhookReceiptTheEndpointRefusedIsPostedAfterTheRestartOnceTheEndpointRecovers() throws Exception {
        AtomicInteger status = new AtomicInteger(500);
        AtomicInteger refused = new AtomicInteger();
        List<String> taken = new CopyOnWriteArrayList<>();
        webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/receipts", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            int answer = status.get();
            if (answer == 204) {
                taken.add(json.readTree(body).get("id").asText());
            } else {
                refused.incrementAndGet();
            }
            exchange.sendResponseHeaders(answer, -1);
            exchange.close();
        });
        webhook.start();
        URI url = URI.create("http://127.0.0.1:" + webhook.getAddress().getPort() + "/receipts");
        EbbConfig config = TestGateway.builder(gateway.dataDir(), TestGateway.freePort(), true).receiptUrl(url).build();
        gateway.start(config);
        String id = json.readTree(gateway.http().send(HttpRequest.newBuilder(gateway.api("/v1/messages"))
                .header("Authorization", "Bearer " + TestGateway.API_KEY)
                .POST(HttpRequest.BodyPublishers.ofString("{\"to\":\"+4790000502\",\"from\":\"Ebb\",\"text\":\"hi\"}"))
                .build(), HttpResponse.BodyHandlers.ofString()).body()).at("/messages/0/id").asText();
        Await.until("the receipt refused by the endpoint", WAIT, () -> refused.get() >= 1);

        gateway.stop();
        status.set(204);
        gateway.start(config);

        Await.until("the receipt posted after the restart", WAIT, () -> taken.contains(id));
        Await.until("the receipt recorded as forwarded", WAIT,
                () -> gateway.eventsOf(id).contains(EventType.RECEIPT_FORWARDED));
        assertThat(taken).containsExactly(id);
        assertThat(gateway.eventsOf(id)).containsOnlyOnce(EventType.DELIVERED, EventType.RECEIPT_RESENT);
    }

    @Test
    void aReceiptStillOwedWhenItsLimitPassesWhileTheGatewayIsDownIsDroppedWithARecord() throws Exception {
        Instant start = Instant.now();
        MutableClock clock = new MutableClock(start);
        gateway.start(config(), clock);
        String id = deliveredWithItsReceiptWaiting("4790000503");

        gateway.stop();
        clock.advance(Duration.ofHours(24));
        gateway.start(config(), clock);

        Await.until("the receipt given up at the start", WAIT,
                () -> eventsSince(start, id).contains(EventType.RECEIPT_DROPPED));
        assertThat(gateway.metric("ebb_receipts_given_up_total")).isEqualTo(1);
        try (RawSmppClient receiver = bound(BindType.RECEIVER)) {
            assertThat(receiver.readWithin(Duration.ofMillis(500))).as("nothing offered past the limit").isNull();
        }
        assertThat(eventsSince(start, id)).doesNotContain(EventType.RECEIPT_FORWARDED, EventType.RECEIPT_RESENT);
    }

    /**
     * The outbox's key buckets die whole at 72 h while the gateway runs, as content's do: before, only a start
     * destroyed them, so a gateway running for weeks kept every hour's outbox key and file since it started.
     */
    @Test
    void theOutboxsBucketsAreDestroyedAt72HoursWhileTheGatewayRuns() throws Exception {
        Instant start = Instant.now();
        MutableClock clock = new MutableClock(start);
        gateway.start(config(), clock);
        String id = deliveredWithItsReceiptWaiting("4790000504");
        List<Path> bucket = new ArrayList<>(files(gateway.dataDir().resolve("receipts")));
        bucket.addAll(files(gateway.dataDir().resolve("receipt-keys")));
        bucket.removeIf(p -> Set.of("VAULT", "KEYSTORE").contains(p.getFileName().toString())); // the stores' markers
        assertThat(bucket).as("the outbox's bucket and its key").hasSizeGreaterThanOrEqualTo(2);

        clock.advance(Duration.ofHours(24));
        Await.until("the receipt given up at its limit", WAIT,
                () -> eventsSince(start, id).contains(EventType.RECEIPT_DROPPED));
        clock.advance(Duration.ofHours(49));

        Await.until("the outbox's bucket and key destroyed", WAIT, () -> bucket.stream().noneMatch(Files::exists));
    }

    private static List<Path> files(Path dir) {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The events of a message from {@code start} to a day and a bit later (the clock of the test above). */
    private List<EventType> eventsSince(Instant start, String id) {
        return gateway.metadata().query(TrafficQuery.byMessageId(id, start.minusSeconds(60),
                start.plus(Duration.ofHours(25)))).records().stream().map(r -> r.record().eventType()).toList();
    }

    private EbbConfig config() {
        return TestGateway.config(gateway.dataDir(), TestGateway.freePort(), true);
    }

    /** A message submitted over a transmitter and delivered: its receipt waits for a receiver. */
    private String deliveredWithItsReceiptWaiting(String to) throws Exception {
        String id = submitFromATransmitter(to);
        Await.until("the message delivered, its receipt waiting for a receiver", WAIT,
                () -> gateway.eventsOf(id).contains(EventType.DELIVERED));
        return id;
    }

    /** Submits over a transmitter bind, which takes no receipt: the receipt waits for a receiver. */
    private String submitFromATransmitter(String to) throws Exception {
        try (RawSmppClient transmitter = bound(BindType.TRANSMITTER)) {
            transmitter.send(Pdu.SubmitSm.builder().sequenceNumber(2).source(new SmppAddress((byte) 5, (byte) 0, "Acme"))
                    .destination(SmppAddress.international(to)).registeredDelivery(1)
                    .shortMessage("hello".getBytes(StandardCharsets.US_ASCII)).build());
            Pdu.SubmitSmResp resp = transmitter.next(Pdu.SubmitSmResp.class);
            assertThat(resp.commandStatus()).isZero();
            return resp.messageId();
        }
    }

    private RawSmppClient bound(BindType type) throws Exception {
        return new RawSmppClient(gateway.smppPort()).bind(type, TestGateway.SYSTEM_ID, TestGateway.PASSWORD);
    }
}
