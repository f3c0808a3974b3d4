package dev.ebb.gateway.southbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.TestGateway;
import dev.ebb.metadata.TrafficRecord;
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
 * Issue 18: an HTTP-only customer receives MO at its {@code moUrl}: the SMSC (jSMPP's server) sends a deliver_sm, Ebb
 * posts it signed and answers the SMSC only after the endpoint's 2xx, retrying a failed post while it waits.
 */
class MoWebhookTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String NUMBER = "+4722000001";
    private static final String HANDSET = "4790000099";
    private static final String SECRET = "the-customers-mo-secret";

    @RegisterExtension
    final GatewayFixture gateway = GatewayFixture.unstarted();
    private JsmppTestSmsc smsc;
    private HttpServer endpoint;
    private final List<String[]> posts = new CopyOnWriteArrayList<>();
    /** The endpoint answers 500 to this many posts first. */
    private final AtomicInteger failures = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        endpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        endpoint.createContext("/mo", exchange -> {
            posts.add(new String[] {new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
                    exchange.getRequestHeaders().getFirst("X-Ebb-Signature")});
            exchange.sendResponseHeaders(failures.getAndDecrement() > 0 ? 500 : 204, -1);
            exchange.close();
        });
        endpoint.start();
        smsc = new JsmppTestSmsc(TestGateway.freePort());
        URI moUrl = URI.create("http://127.0.0.1:" + endpoint.getAddress().getPort() + "/mo");
        gateway.start(TestGateway.builder(gateway.dataDir(), smsc.port(), false).moNumbers(List.of(NUMBER, "2222"))
                .customer(c -> c.moUrl(moUrl, SECRET)).build());
        Await.until("the connector bound to the SMSC", WAIT, this::bound);
        posts.clear();
    }

    @AfterEach
    void stop() throws Exception {
        gateway.stop();
        smsc.close();
        endpoint.stop(0);
    }

    @Test
    void aMessageToTheCustomersNumberIsPostedSignedAndTheSmscIsAnsweredAfterThe2xx() throws Exception {
        int status = smsc.sendMo(HANDSET, NUMBER.substring(1), "STOP MARKER-Wh18");

        assertThat(status).isZero();
        assertThat(posts).hasSize(1);
        String body = posts.get(0)[0];
        assertThat(signatureValid(body, posts.get(0)[1])).isTrue();
        JsonNode mo = new ObjectMapper().readTree(body);
        assertThat(mo.get("from").asText()).isEqualTo("+" + HANDSET);
        assertThat(mo.get("to").asText()).isEqualTo(NUMBER);
        assertThat(mo.get("text").asText()).isEqualTo("STOP MARKER-Wh18");
        assertThat(mo.get("coding").asText()).isEqualTo("GSM7");
        assertThat(mo.hasNonNull("receivedAt")).isTrue();
        List<TrafficRecord> records = moRecords();
        assertThat(records).hasSize(1);
        assertThat(records.get(0).messageId()).isEqualTo(mo.get("id").asText());
        assertThat(records.get(0).toString()).doesNotContain("MARKER-Wh18");
    }

    @Test
    void aPostAnswered500IsTriedAgainWithinTheWaitAndTheSmscGetsOk() throws Exception {
        failures.set(1);

        int status = smsc.sendMo(HANDSET, NUMBER.substring(1), "again");

        assertThat(status).isZero();
        assertThat(posts).hasSize(2);
        assertThat(posts.get(1)[0]).isEqualTo(posts.get(0)[0]);
        assertThat(signatureValid(posts.get(1)[0], posts.get(1)[1])).isTrue();
        assertThat(moRecords()).hasSize(1);
    }

    @Test
    void anEndpointThatKeepsFailingLeavesTheMessageWithTheSmscAndNothingIsRecorded() throws Exception {
        failures.set(1_000);

        int status = smsc.sendMo(HANDSET, NUMBER.substring(1), "later");

        assertThat(status).isEqualTo(0x64); // ESME_RX_T_APPN: the SMSC keeps it and sends it again
        assertThat(posts).isNotEmpty();
        assertThat(moRecords()).isEmpty();
    }

    @Test
    void theCustomerListsItsNumbers() throws Exception {
        HttpResponse<String> r = gateway.http().send(HttpRequest.newBuilder(gateway.api("/v1/numbers"))
                .header("Authorization", "Bearer " + TestGateway.API_KEY).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(new ObjectMapper().readTree(r.body()).get("numbers").toString())
                .isEqualTo("[\"" + NUMBER + "\",\"2222\"]");
    }

    /** What a customer checks: {@code t=<s>,v1=<hex HMAC-SHA256 of "t." + body>}, with a recent t. */
    private static boolean signatureValid(String body, String header) throws Exception {
        String t = header.substring(2, header.indexOf(','));
        String v1 = header.substring(header.indexOf(",v1=") + 4);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((t + ".").getBytes(StandardCharsets.US_ASCII));
        String expected = HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        return expected.equals(v1) && Math.abs(Instant.now().getEpochSecond() - Long.parseLong(t)) < 300;
    }

    private boolean bound() {
        return smsc.answersMo(HANDSET);
    }

    private List<TrafficRecord> moRecords() {
        return MobileOriginatedTest.moRecords(gateway.metadata(), NUMBER);
    }
}
