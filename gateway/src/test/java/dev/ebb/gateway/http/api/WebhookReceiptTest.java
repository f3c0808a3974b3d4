package dev.ebb.gateway.http.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.EsmeClient;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.TestGateway;
import dev.ebb.metadata.EventType;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Receipts of messages sent over HTTP are posted to the customer's {@code receiptUrl}, a real HTTP server on
 * loopback here: retried until it answers 2xx, recorded as forwarded, without text or number; receipts of SMPP
 * messages keep going back over SMPP.
 */
class WebhookReceiptTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String MARKER = "MARKER-Wb19c";

    @RegisterExtension
    final GatewayFixture gateway = GatewayFixture.unstarted();
    private final ObjectMapper json = new ObjectMapper();
    private final List<String> posted = new CopyOnWriteArrayList<>();
    private final List<String> signatures = new CopyOnWriteArrayList<>();
    private final AtomicInteger attempts = new AtomicInteger();
    private HttpServer customer;

    @BeforeEach
    void start() throws Exception {
        customer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        customer.createContext("/receipts", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            // The customer's endpoint fails once: the receipt must be retried, not lost.
            int status = attempts.incrementAndGet() == 1 ? 500 : 204;
            if (status == 204) {
                posted.add(new String(body, StandardCharsets.UTF_8));
                signatures.add(exchange.getRequestHeaders().getFirst("X-Ebb-Signature"));
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        customer.start();
        URI url = URI.create("http://127.0.0.1:" + customer.getAddress().getPort() + "/receipts");
        gateway.start(TestGateway.builder(gateway.dataDir(), TestGateway.freePort(), true).receiptUrl(url).build());
    }

    @AfterEach
    void stop() {
        customer.stop(0);
    }

    @Test
    void theReceiptOfAnHttpMessageIsPostedRetriedAndRecorded() throws Exception {
        String id = json.readTree(gateway.http().send(HttpRequest.newBuilder(gateway.api("/v1/messages"))
                .header("Authorization", "Bearer " + TestGateway.API_KEY)
                .POST(HttpRequest.BodyPublishers.ofString("{\"to\":\"+4790000090\",\"from\":\"Ebb\",\"text\":\""
                        + MARKER + "\"}")).build(), HttpResponse.BodyHandlers.ofString()).body())
                .at("/messages/0/id").asText();

        Await.until("the receipt posted", WAIT, () -> !posted.isEmpty());

        JsonNode receipt = json.readTree(posted.get(0));
        assertThat(receipt.get("id").asText()).isEqualTo(id);
        assertThat(receipt.get("state").asText()).isEqualTo("DELIVERED");
        assertThat(receipt.get("errorCode").asInt()).isZero();
        assertThat(attempts.get()).isEqualTo(2);
        assertThat(posted.get(0)).doesNotContain(MARKER).doesNotContain("4790000090");
        // The customer checks the post came from Ebb: HMAC-SHA256 with the shared secret over "t." + body.
        String signature = signatures.get(0);
        long t = Long.parseLong(signature.substring(2, signature.indexOf(',')));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(TestGateway.RECEIPT_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((t + ".").getBytes(StandardCharsets.US_ASCII));
        assertThat(signature).isEqualTo("t=" + t + ",v1=" + HexFormat.of().formatHex(
                mac.doFinal(posted.get(0).getBytes(StandardCharsets.UTF_8))));
        assertThat(Math.abs(Instant.now().getEpochSecond() - t)).isLessThan(60);
        Await.until("the forwarded receipt is recorded", WAIT, () -> gateway.eventsOf(id).contains(EventType.RECEIPT_FORWARDED));
    }

    @Test
    void theReceiptOfAnSmppMessageStillGoesBackOverSmpp() throws Exception {
        try (EsmeClient esme = gateway.esme()) {
            String id = esme.submit("+4790000091", "over smpp", StandardCharsets.ISO_8859_1, (byte) 0x03);

            Await.until("the receipt for " + id, WAIT, () -> esme.receiptFor(id) != null);

            assertThat(attempts.get()).isZero();
        }
    }
}
