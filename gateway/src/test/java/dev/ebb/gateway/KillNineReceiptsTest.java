package dev.ebb.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.ebb.gateway.config.HashedTokens;
import dev.ebb.gateway.config.PasswordHash;
import dev.ebb.gateway.core.BindType;
import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.GatewayProcess;
import dev.ebb.gateway.testing.TestGateway;
import dev.ebb.gateway.testing.WindowedCustomer;
import dev.ebb.metadata.EventType;
import dev.ebb.metadata.MetadataStore;
import dev.ebb.metadata.MetadataStoreConfig;
import dev.ebb.metadata.QueryPage;
import dev.ebb.metadata.StoredRecord;
import dev.ebb.metadata.TrafficQuery;
import dev.ebb.metadata.VerifyReport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13's kill -9 harness: a gateway process takes traffic from an SMPP customer (a transceiver, which takes
 * receipts as deliver_sm) and an HTTP customer (receipts posted to its receiptUrl), all asking for receipts, and is
 * killed with SIGKILL {@value #DEFAULT_KILLS} times spread over the run, each time with submits, receipts and posts in
 * flight, then started again on the same data directory. Afterwards every acknowledged message (submit_sm_resp 0 or
 * HTTP 202 read by the customer) has exactly one final traffic record and reached its customer as a receipt at least
 * once; duplicates are counted (RECEIPT_RESENT records) and bounded by what was in flight at the kills; and the
 * metadata verifies.
 *
 * <p>{@value #DEFAULT_MESSAGES} messages in the build; {@code -Debb.killnine.messages=200000 -Debb.killnine.kills=10}
 * for the large run (benchmarks/README.md).
 */
class KillNineReceiptsTest {
    static final int DEFAULT_MESSAGES = 10_000;
    static final int DEFAULT_KILLS = 5;
    private static final String SMPP_CUSTOMER = "smppco";
    private static final String HTTP_CUSTOMER = "httpco";
    private static final String PASSWORD = "k9pass12";
    /** deliver_sm a customer's bind may have unanswered (smpp.windowSize): what one kill can duplicate over SMPP. */
    private static final int SMPP_WINDOW = 64;
    /** Posts on the receiptUrl's connections at once: what one kill can duplicate over HTTP. */
    private static final int RECEIPT_CONNECTIONS = 8;
    /** Messages ending in the same instant on the gateway's threads: owed, but their final record not yet written. */
    private static final int FINISHING_AT_ONCE = 16;
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path dir;
    private final ObjectMapper json = new ObjectMapper();
    /** Receipts the customers took, by message id, with how often each was taken. */
    private final Map<String, Integer> smppReceipts = new ConcurrentHashMap<>();
    private final Map<String, Integer> httpReceipts = new ConcurrentHashMap<>();
    private final Set<String> smppAcked = ConcurrentHashMap.newKeySet();
    private final Set<String> httpAcked = ConcurrentHashMap.newKeySet();
    private HttpServer webhook;
    private Process gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.destroyForcibly();
        }
        if (webhook != null) {
            webhook.stop(0);
        }
    }

    @Test
    void everyAcknowledgedMessageEndsOnceAndItsReceiptReachesTheCustomerAcrossKills() throws Exception {
        int messages = Integer.getInteger("ebb.killnine.messages", DEFAULT_MESSAGES);
        int kills = Integer.getInteger("ebb.killnine.kills", DEFAULT_KILLS);
        Instant begun = Instant.now();
        webhook = receiptEndpoint();
        int smppPort = TestGateway.freePort();
        int httpPort = TestGateway.freePort();
        Path config = writeConfig(dir.resolve("data"), smppPort, httpPort, TestGateway.freePort(),
                webhook.getAddress().getPort());
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(2)).build();
        int sent = 0;
        for (int life = 0; life <= kills; life++) {
            Instant starting = Instant.now();
            gateway = GatewayProcess.start(config, dir.resolve("gateway.log"), httpPort);
            Instant up = Instant.now();
            int until = life == kills ? messages : (int) ((long) messages * (life + 1) / (kills + 1));
            try (WindowedCustomer smpp = new WindowedCustomer(smppPort, BindType.TRANSCEIVER, SMPP_CUSTOMER, PASSWORD,
                    SMPP_WINDOW, smppAcked::add, id -> smppReceipts.merge(id, 1, Integer::sum))) {
                Semaphore posts = new Semaphore(32);
                for (; sent < until; sent++) {
                    if (sent % 2 == 0) {
                        smpp.submit(sent, "4790" + String.format("%07d", sent));
                    } else {
                        post(http, httpPort, sent, posts);
                    }
                }
                System.out.printf("kill -9 harness, life %d: up in %d ms, %d messages sent in %d ms%n", life,
                        Duration.between(starting, up).toMillis(), until - (int) ((long) messages * life / (kills + 1)),
                        Duration.between(up, Instant.now()).toMillis());
                if (life < kills) {
                    // Submits, receipts and posts are in flight: the kill finds them there.
                    GatewayProcess.kill(gateway);
                } else {
                    Await.until("every acknowledged message's receipt taken", WAIT, () -> allReceipted() && posts
                            .availablePermits() == 32);
                    gateway.destroy(); // SIGTERM: the shutdown hook closes the stores, signing the last tree head
                    assertThat(gateway.waitFor(60, TimeUnit.SECONDS)).isTrue();
                }
            }
        }

        Map<String, List<EventType>> events = new HashMap<>();
        try (MetadataStore store = MetadataStore.open(dir.resolve("data").resolve("metadata"),
                MetadataStoreConfig.defaults(), Clock.systemUTC())) {
            for (String customer : List.of(SMPP_CUSTOMER, HTTP_CUSTOMER)) {
                TrafficQuery query = TrafficQuery.byCustomer(customer, begun.minusSeconds(60), Instant.now()
                        .plusSeconds(60)).withLimit(TrafficQuery.MAX_LIMIT);
                for (QueryPage page = store.query(query); ; page = store.query(query.withContinuation(
                        page.continuation().orElseThrow()))) {
                    for (StoredRecord r : page.records()) {
                        events.computeIfAbsent(r.record().messageId(), id -> new ArrayList<>()).add(r.record().eventType());
                    }
                    if (page.continuation().isEmpty()) {
                        break;
                    }
                }
            }
            VerifyReport verified = store.verify(begun.atOffset(ZoneOffset.UTC).toLocalDate(),
                    Instant.now().atOffset(ZoneOffset.UTC).toLocalDate());
            assertThat(verified.ok()).as("metadata verify: %s", verified).isTrue();
        }

        Set<String> acked = new HashSet<>(smppAcked);
        acked.addAll(httpAcked);
        assertThat(acked.size()).as("acknowledged of %d sent", messages).isGreaterThan(messages * 9 / 10);
        for (String id : acked) {
            List<EventType> of = events.getOrDefault(id, List.of());
            assertThat(of.stream().filter(EventType::isFinal).count()).as("final records of %s: %s", id, of).isOne();
            assertThat(of).as("records of %s", id).contains(EventType.RECEIPT_FORWARDED);
        }
        long resent = events.values().stream().flatMap(List::stream).filter(e -> e == EventType.RECEIPT_RESENT).count();
        long duplicates = duplicates(smppReceipts) + duplicates(httpReceipts);
        System.out.printf("kill -9 harness: %d sent, %d acknowledged (%d SMPP, %d HTTP), %d kills, %d receipts "
                        + "re-sent after a restart, %d duplicates taken by the customers, %d s%n", messages,
                acked.size(), smppAcked.size(), httpAcked.size(), kills, resent, duplicates,
                Duration.between(begun, Instant.now()).toSeconds());
        assertThat(duplicates).as("every duplicate is a receipt re-sent after a restart").isLessThanOrEqualTo(resent);
        assertThat(duplicates).as("at most what was in flight at each kill")
                .isLessThanOrEqualTo((long) kills * (SMPP_WINDOW + RECEIPT_CONNECTIONS + FINISHING_AT_ONCE));
    }

    private boolean allReceipted() {
        return smppReceipts.keySet().containsAll(smppAcked) && httpReceipts.keySet().containsAll(httpAcked);
    }

    private static long duplicates(Map<String, Integer> taken) {
        return taken.values().stream().mapToLong(n -> n - 1).sum();
    }

    /** Posts one message; a 202 read back is an acknowledgement, anything else (the gateway killed) is not. */
    private void post(HttpClient http, int port, int n, Semaphore posts) throws InterruptedException {
        posts.acquire();
        http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/messages"))
                        .header("Authorization", "Bearer " + TestGateway.API_KEY)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"to\":\"+4791" + String.format("%07d", n)
                                + "\",\"from\":\"Acme\",\"text\":\"k9 " + n + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
                    try {
                        if (e == null && r.statusCode() == 202) {
                            httpAcked.add(json.readTree(r.body()).at("/messages/0/id").asText());
                        }
                    } catch (IOException unreadable) {
                        throw new IllegalStateException(unreadable);
                    } finally {
                        posts.release();
                    }
                });
    }

    /** The HTTP customer's receiptUrl: takes every post (204) and counts each receipt in it. */
    private HttpServer receiptEndpoint() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/receipts", exchange -> {
            String id = json.readTree(exchange.getRequestBody().readAllBytes()).get("id").asText();
            httpReceipts.merge(id, 1, Integer::sum);
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        return server;
    }

    private Path writeConfig(Path data, int smppPort, int httpPort, int smscPort, int webhookPort) throws IOException {
        Path config = dir.resolve("ebb.yaml");
        Files.writeString(config, String.join("\n",
                "dataDir: " + data,
                "smpp: {port: " + smppPort + ", windowSize: " + SMPP_WINDOW + "}",
                "http: {port: " + httpPort + "}",
                "compliance: {port: 0}",
                "metrics: {port: 0}",
                "customers:",
                "  - id: " + SMPP_CUSTOMER,
                "    tps: 1000000",
                "    smpp: {systemId: " + SMPP_CUSTOMER + ", passwordHash: \"" + PasswordHash.hash(PASSWORD) + "\"}",
                "  - id: " + HTTP_CUSTOMER,
                "    tps: 1000000",
                "    apiKeys: [{id: k, sha256: " + HashedTokens.hashOf(TestGateway.API_KEY) + "}]",
                "    receiptUrl: http://127.0.0.1:" + webhookPort + "/receipts",
                "    receiptConnections: " + RECEIPT_CONNECTIONS,
                "    allowPrivateCallbacks: true",
                "routes: [{prefix: \"\", connector: sim}]",
                "connectors: [{name: sim, port: " + smscPort + ", systemId: ebb, password: ebb, binds: 2, window: 64}]",
                "simulator: {enabled: true, port: " + smscPort + ", systemId: ebb, password: ebb, receiptDelay: PT0.01S}",
                ""));
        return config;
    }
}
