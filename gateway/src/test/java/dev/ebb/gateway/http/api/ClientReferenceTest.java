package dev.ebb.gateway.http.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.TestGateway;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 18: the customer's {@code reference} over the whole gateway: kept in the traffic record, shown in the status
 * and the webhook receipt, and found again with {@code GET /v1/messages?reference=}.
 */
class ClientReferenceTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String REFERENCE = "order 77/Å";

    @RegisterExtension
    final GatewayFixture gateway = GatewayFixture.unstarted();
    private final ObjectMapper json = new ObjectMapper();
    private final List<String> receipts = new CopyOnWriteArrayList<>();
    private HttpServer customer;

    @BeforeEach
    void start() throws Exception {
        customer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        customer.createContext("/receipts", exchange -> {
            receipts.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
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
    void theReferenceIsInTheRecordTheStatusAndTheReceipt() throws Exception {
        String id = idOf(post("{\"to\":\"+4790000401\",\"from\":\"Ebb\",\"text\":\"hi\",\"reference\":\"" + REFERENCE
                + "\"}"));

        assertThat(gateway.recordsOf(id).get(0).record().reference()).isEqualTo(REFERENCE);
        Await.until("the receipt posted", WAIT, () -> !receipts.isEmpty());
        JsonNode receipt = json.readTree(receipts.get(0));
        assertThat(receipt.get("id").asText()).isEqualTo(id);
        assertThat(receipt.get("reference").asText()).isEqualTo(REFERENCE);
        JsonNode status = json.readTree(get("/v1/messages/" + id).body());
        assertThat(status.get("reference").asText()).isEqualTo(REFERENCE);
        assertThat(status.get("state").asText()).isEqualTo("DELIVERED");
    }

    @Test
    void withoutAReferenceNeitherStatusNorReceiptHasOne() throws Exception {
        String id = idOf(post("{\"to\":\"+4790000402\",\"from\":\"Ebb\",\"text\":\"hi\"}"));

        Await.until("the receipt posted", WAIT, () -> !receipts.isEmpty());
        assertThat(json.readTree(receipts.get(0)).has("reference")).isFalse();
        assertThat(json.readTree(get("/v1/messages/" + id).body()).has("reference")).isFalse();
    }

    @Test
    void theCustomerFindsItsMessagesByReferencePageByPage() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(idOf(post("{\"to\":\"+479000041" + i + "\",\"from\":\"Ebb\",\"text\":\"hi\",\"reference\":\""
                    + REFERENCE + "\"}")));
        }
        // A batch carries its reference to every recipient's message.
        JsonNode batch = json.readTree(post("{\"to\":[\"+4790000420\",\"+4790000421\"],\"from\":\"Ebb\",\"text\":\"hi\","
                + "\"reference\":\"batch-9\"}").body());
        post("{\"to\":\"+4790000419\",\"from\":\"Ebb\",\"text\":\"hi\",\"reference\":\"other\"}");

        JsonNode first = json.readTree(get("/v1/messages?limit=2&reference=" + encoded(REFERENCE)).body());
        assertThat(first.get("messages")).extracting(m -> m.get("id").asText()).containsExactlyElementsOf(ids.subList(0, 2));
        assertThat(first.get("messages").get(0).get("reference").asText()).isEqualTo(REFERENCE);
        String next = first.get("next").asText();
        JsonNode second = json.readTree(get("/v1/messages?limit=2&reference=" + encoded(REFERENCE) + "&after="
                + encoded(next)).body());
        assertThat(second.get("messages")).as(second.toString()).extracting(m -> m.get("id").asText())
                .containsExactly(ids.get(2));
        assertThat(second.get("next").isNull()).as("no next page").isTrue();

        assertThat(json.readTree(get("/v1/messages?reference=batch-9").body()).get("messages"))
                .extracting(m -> m.get("id").asText()).containsExactly(batch.at("/results/0/messages/0/id").asText(),
                        batch.at("/results/1/messages/0/id").asText());
        assertThat(json.readTree(get("/v1/messages?reference=nothing-sent").body()).get("messages")).isEmpty();
    }

    @Test
    void aBadReferenceOrPageTokenIs400NamingIt() throws Exception {
        assertProblem(post("{\"to\":\"+4790000430\",\"from\":\"Ebb\",\"text\":\"hi\",\"reference\":\""
                + "r".repeat(65) + "\"}"), "reference");
        assertProblem(post("{\"to\":\"+4790000430\",\"from\":\"Ebb\",\"text\":\"hi\",\"reference\":\"a\\nb\"}"),
                "reference");
        assertProblem(get("/v1/messages?reference=" + "r".repeat(65)), "reference");
        assertProblem(get("/v1/messages?reference=x&limit=101"), "limit");
        assertProblem(get("/v1/messages?reference=x&after=garbage"), "after");
        assertProblem(get("/v1/messages?reference=x&reference=y"), "reference");
    }

    private String idOf(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return json.readTree(r.body()).at("/messages/0/id").asText();
    }

    private static String encoded(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private void assertProblem(HttpResponse<String> r, String field) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(json.readTree(r.body()).get("field").asText()).isEqualTo(field);
    }

    private HttpResponse<String> post(String body) throws Exception {
        return gateway.http().send(HttpRequest.newBuilder(gateway.api("/v1/messages"))
                .header("Authorization", "Bearer " + TestGateway.API_KEY).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return gateway.http().send(HttpRequest.newBuilder(gateway.api(path))
                .header("Authorization", "Bearer " + TestGateway.API_KEY).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
