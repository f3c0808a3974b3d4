package dev.ebb.gateway.http.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebb.gateway.southbound.simulator.HandsetSimulator;
import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.TestConfigs;
import dev.ebb.gateway.testing.TestGateway;
import dev.ebb.metadata.EventType;
import dev.ebb.metadata.StoredRecord;
import dev.ebb.metadata.TrafficQuery;
import dev.ebb.testing.MutableClock;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 18: {@code Idempotency-Key} over the whole gateway and real sockets. A client that timed out posts again with
 * the same key and gets the first answer without a second message; across a restart too.
 */
class IdempotencyKeyTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String KEY = "order-4711-otp";
    private static final String BODY = "{\"to\":\"+4790000301\",\"from\":\"Ebb\",\"text\":\"Your code is 1234\"}";

    @RegisterExtension
    final GatewayFixture gateway = GatewayFixture.unstarted();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void aPostRetriedWithTheSameKeyAfterARestartSendsOnce() throws Exception {
        int smscPort = TestGateway.freePort();
        EventLoopGroup smscLoop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        gateway.closeAfter(() -> smscLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly());
        // An SMSC of its own, outside the gateway: it counts the submits across the gateway's restart.
        HandsetSimulator smsc = gateway.closeAfter(HandsetSimulator.start(TestConfigs.simulator(smscPort)
                .receiptDelay(Duration.ofMillis(10)).build(), smscLoop, Clock.systemUTC(), new SecureRandom()));
        gateway.start(TestGateway.config(gateway.dataDir(), smscPort, false));
        HttpResponse<String> first = post(BODY, KEY);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        String id = json.readTree(first.body()).at("/messages/0/id").asText();
        // Delivered before the restart: a message still in flight then is submitted again after it (at least once
        // southbound), which is not what this test is about.
        Await.until("the message delivered", WAIT, () -> gateway.eventsOf(id).contains(EventType.DELIVERED));
        assertThat(smsc.submitted()).isEqualTo(1);

        gateway.stop();
        gateway.start(TestGateway.config(gateway.dataDir(), smscPort, false));
        // The same request, its members in another order and spaced otherwise: the same body as JSON.
        HttpResponse<String> retried = post("{ \"text\": \"Your code is 1234\", \"from\": \"Ebb\", \"to\": \"+4790000301\" }",
                KEY);

        assertThat(retried.statusCode()).isEqualTo(202);
        assertThat(retried.body()).isEqualTo(first.body());
        assertThat(retried.headers().firstValue("Location")).isEqualTo(first.headers().firstValue("Location"));
        assertThat(retried.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(accepted("+4790000301")).extracting(r -> r.record().messageId()).containsExactly(id);
        assertThat(smsc.submitted()).isEqualTo(1);
        // Without a key the same body is a new message.
        assertThat(post(BODY, null).statusCode()).isEqualTo(202);
        Await.until("the second message at the SMSC", WAIT, () -> smsc.submitted() == 2);
        assertThat(accepted("+4790000301")).hasSize(2);
    }

    @Test
    void theSameKeyWithAnotherBodyIs422AndSendsNothing() throws Exception {
        gateway.start(TestGateway.config(gateway.dataDir(), TestGateway.freePort(), true));
        assertThat(post(BODY, KEY).statusCode()).isEqualTo(202);

        HttpResponse<String> other = post("{\"to\":\"+4790000302\",\"from\":\"Ebb\",\"text\":\"Your code is 1234\"}", KEY);

        assertProblem(other, 422, "Idempotency-Key");
        assertThat(accepted("+4790000302")).isEmpty();
    }

    /** A 400 is remembered (the request is at fault); nothing of it is sent either way. */
    @Test
    void aRefusedRequestIsAnsweredTheSameWhenRetried() throws Exception {
        gateway.start(TestGateway.config(gateway.dataDir(), TestGateway.freePort(), true));
        String bad = "{\"to\":\"+4790000303\",\"from\":\"ThisNameIsTooLong\",\"text\":\"x\"}";

        HttpResponse<String> first = post(bad, KEY);
        HttpResponse<String> retried = post(bad, KEY);

        assertProblem(first, 400, "from");
        assertThat(retried.body()).isEqualTo(first.body());
        assertThat(retried.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    }

    @Test
    void aKeyIsRememberedFor24HoursThenTheRequestIsNew() throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        gateway.start(TestGateway.config(gateway.dataDir(), TestGateway.freePort(), true), clock);
        JsonNode first = json.readTree(post(BODY, KEY).body());
        clock.advance(Duration.ofHours(23));
        assertThat(json.readTree(post(BODY, KEY).body())).isEqualTo(first);

        clock.advance(Duration.ofHours(1));
        HttpResponse<String> later = post(BODY, KEY);

        assertThat(later.statusCode()).isEqualTo(202);
        assertThat(later.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(json.readTree(later.body()).at("/messages/0/id")).isNotEqualTo(first.at("/messages/0/id"));
    }

    @Test
    void aKeyTooLongOrNotVisibleAsciiIs400NamingTheHeader() throws Exception {
        gateway.start(TestGateway.config(gateway.dataDir(), TestGateway.freePort(), true));

        assertProblem(post(BODY, "k".repeat(256)), 400, "Idempotency-Key");
        assertThat(post(BODY, "k".repeat(255)).statusCode()).isEqualTo(202);
        assertThat(raw("Idempotency-Key: a\tb")).startsWith("HTTP/1.1 400 ").contains("\"field\":\"Idempotency-Key\"");
        assertThat(raw("Idempotency-Key: caf\u00e9")).startsWith("HTTP/1.1 400 ")
                .contains("\"field\":\"Idempotency-Key\"");
        assertThat(raw("Idempotency-Key: one\r\nIdempotency-Key: two")).startsWith("HTTP/1.1 400 ")
                .contains("\"field\":\"Idempotency-Key\"");
        assertThat(accepted("+4790000301")).hasSize(1);
    }

    /** The keys file holds a hash of the key and of the body, never the key, the text or the number. */
    @Test
    void theKeysOnDiskHoldNoKeyTextOrNumber() throws Exception {
        gateway.start(TestGateway.config(gateway.dataDir(), TestGateway.freePort(), true));
        assertThat(post(BODY, KEY).statusCode()).isEqualTo(202);
        gateway.stop();

        Path folder = gateway.dataDir().resolve("idempotency-keys");
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> all = files.toList();
            assertThat(all).hasSize(1);
            String bytes = new String(Files.readAllBytes(all.get(0)), StandardCharsets.ISO_8859_1);
            assertThat(bytes).contains("/v1/messages/").doesNotContain(KEY).doesNotContain("Your code")
                    .doesNotContain("4790000301");
        }
    }

    private List<StoredRecord> accepted(String number) {
        Instant now = Instant.now();
        return gateway.metadata().query(TrafficQuery.byMsisdn(number, TrafficQuery.Role.DESTINATION,
                        now.minus(Duration.ofDays(2)), now.plus(Duration.ofDays(2)))).records().stream()
                .filter(r -> r.record().eventType() == EventType.ACCEPTED).toList();
    }

    private HttpResponse<String> post(String body, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(gateway.api("/v1/messages"))
                .header("Authorization", "Bearer " + TestGateway.API_KEY).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("Idempotency-Key", key);
        }
        return gateway.http().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The JDK client refuses such header values itself: written as bytes (é as UTF-8), read until the close. */
    private String raw(String header) throws Exception {
        byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
        String head = "POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TestGateway.API_KEY
                + "\r\nContent-Type: application/json\r\n" + header + "\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n";
        try (Socket socket = new Socket("127.0.0.1", gateway.apiPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(head.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().write(body);
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private void assertProblem(HttpResponse<String> r, int status, String field) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
        assertThat(json.readTree(r.body()).get("field").asText()).isEqualTo(field);
    }
}
