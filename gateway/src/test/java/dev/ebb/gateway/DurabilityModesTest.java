package dev.ebb.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebb.gateway.config.ContentConfig;
import dev.ebb.gateway.config.EbbConfig;
import dev.ebb.gateway.config.StorageConfig;
import dev.ebb.gateway.core.SubmissionCodec;
import dev.ebb.gateway.privacy.ContentVault;
import dev.ebb.gateway.privacy.KeyRing;
import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.EsmeClient;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.PowerCut;
import dev.ebb.gateway.testing.TestGateway;
import dev.ebb.metadata.EventType;
import dev.ebb.metadata.MetadataStore;
import dev.ebb.metadata.MetadataStoreConfig;
import dev.ebb.metadata.TrafficQuery;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jsmpp.extra.NegativeResponseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code storage.durability} over real sockets: in {@code fsync} mode the submit_sm_resp and the HTTP 202 leave only
 * after the group commit's force, and every message so acknowledged is still there after a simulated power cut (every
 * write not forced discarded, see {@link PowerCut}); in {@code process} mode nothing is forced, and the same cut takes
 * acknowledged messages away.
 */
class DurabilityModesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path shadow;
    /** The HTTP messages of {@link #sendWithBaseline}, by their Idempotency-Key: what the first answer named. */
    private final Map<Integer, String> posted = new ConcurrentHashMap<>();
    @RegisterExtension
    final GatewayFixture gateway = GatewayFixture.unstarted();

    /** The SMSC is never up: acknowledged messages stay waiting, content and all, for the check after the cut. */
    private EbbConfig config(StorageConfig storage) {
        return TestGateway.config(gateway.dataDir(), TestGateway.freePort(), false).withStorage(storage);
    }

    @Test
    void inFsyncModeTheSubmitSmRespAndThe202LeaveOnlyAfterTheForce() throws Exception {
        PowerCut disk = new PowerCut(gateway.dataDir(), shadow);
        gateway.start(config(StorageConfig.defaults().withFsync(Duration.ZERO, 256)), disk);
        EsmeClient esme = gateway.esme();
        ExecutorService clients = Executors.newFixedThreadPool(2);
        try {
            disk.hold();
            CompletableFuture<String> smpp = CompletableFuture.supplyAsync(() -> submit(esme, 0), clients);
            disk.awaitHeld();
            assertThat(smpp).as("submit_sm_resp while the force is under way").isNotDone();
            disk.release();
            assertThat(smpp.join()).isNotEmpty();

            disk.hold();
            CompletableFuture<HttpResponse<String>> http = gateway.http().sendAsync(post(0),
                    HttpResponse.BodyHandlers.ofString());
            disk.awaitHeld();
            assertThat(http).as("HTTP answer while the force is under way").isNotDone();
            disk.release();
            assertThat(http.join().statusCode()).isEqualTo(202);
        } finally {
            clients.shutdownNow();
        }
        assertThat(disk.forces()).as("a force per store per commit: vault file and queue file").isGreaterThanOrEqualTo(4);
    }

    @Test
    void inFsyncModeEveryAcknowledgedMessageSurvivesAPowerCut() throws Exception {
        PowerCut disk = new PowerCut(gateway.dataDir(), shadow);
        gateway.start(config(StorageConfig.defaults().withFsync(Duration.ofMillis(2), 8)), disk);
        Map<String, String> acknowledged = sendWithBaseline(disk);

        Path afterCut = disk.cut();
        gateway.stop();

        assertThat(disk.forces()).isPositive();
        Survivors survivors = reopen(afterCut, acknowledged.keySet());
        assertThat(survivors.content()).as("content of every acknowledged message").containsAllEntriesOf(acknowledged);
        assertThat(survivors.accepted()).as("ACCEPTED record of every acknowledged message")
                .containsAll(acknowledged.keySet());

        // A client that lost the 202 in the cut retries with its Idempotency-Key: the answer is the first one.
        gateway.start(TestGateway.config(afterCut, TestGateway.freePort(), false)
                .withStorage(StorageConfig.defaults().withFsync(Duration.ofMillis(2), 8)));
        for (Map.Entry<Integer, String> first : posted.entrySet()) {
            HttpResponse<String> again = gateway.http().send(post(first.getKey()), HttpResponse.BodyHandlers.ofString());
            assertThat(again.statusCode()).isEqualTo(202);
            assertThat(JSON.readTree(again.body()).at("/messages/0/id").asText())
                    .as("the retry of key %s after the cut", first.getKey()).isEqualTo(first.getValue());
        }
    }

    @Test
    void inProcessModeNothingIsForcedAndTheSameCutLosesAcknowledgedMessages() throws Exception {
        PowerCut disk = new PowerCut(gateway.dataDir(), shadow);
        gateway.start(config(StorageConfig.defaults()), disk);
        Map<String, String> acknowledged = sendWithBaseline(disk);

        Path afterCut = disk.cut();
        gateway.stop();

        assertThat(disk.forces()).as("process mode forces nothing on the message path").isZero();
        Survivors survivors = reopen(afterCut, acknowledged.keySet());
        assertThat(survivors.content()).as("page cache only: the cut takes the content").isEmpty();
        assertThat(survivors.accepted()).as("... and the ACCEPTED records").isEmpty();
    }

    @Test
    void aFailedForceTakesTheGatewayOutOfReadyAsItRefusesEverySubmitUntilRestart() throws Exception {
        // Hostile review of issue 13: after a failed fsync every submit was refused (ESME_RSYSERR, 500) until restart,
        // by design, while /health/ready kept answering 200 READY: a load balancer went on sending it all traffic.
        AtomicBoolean failing = new AtomicBoolean();
        gateway.start(TestGateway.config(gateway.dataDir(), TestGateway.freePort(), true)
                .withStorage(StorageConfig.defaults().withFsync(Duration.ZERO, 256)), (channel, file) -> {
                    if (failing.get()) {
                        throw new IOException("EIO (test)");
                    }
                    channel.force(false);
                });
        EsmeClient esme = gateway.esme();
        submit(esme, 0);
        Await.until("ready with its SMSC bound", Duration.ofSeconds(20), () -> ready().statusCode() == 200);

        failing.set(true);
        assertThatThrownBy(() -> submit(esme, 1)).hasRootCauseInstanceOf(NegativeResponseException.class);
        failing.set(false);
        assertThatThrownBy(() -> submit(esme, 2)).as("refused until restart, the force working again or not")
                .hasRootCauseInstanceOf(NegativeResponseException.class);

        HttpResponse<String> ready = ready();
        assertThat(ready.statusCode()).isEqualTo(503);
        JsonNode report = JSON.readTree(ready.body());
        assertThat(report.get("notReady")).extracting(JsonNode::asText).containsExactly("group-commit");
        assertThat(report.at("/checks/group-commit/reason").asText()).contains("fsync failed", "restart");
        assertThat(gateway.metric("ebb_ready")).isZero();
    }

    private HttpResponse<String> ready() {
        return gateway.http().sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.metricsPort()
                + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString()).join();
    }

    /**
     * One message to start the customer's bucket and the day (their keys and files), the baseline, then 40 over SMPP
     * from two threads and 10 over HTTP.
     *
     * @return the acknowledged messages after the baseline: message id to text
     */
    private Map<String, String> sendWithBaseline(PowerCut disk) throws Exception {
        EsmeClient esme = gateway.esme();
        submit(esme, 999);
        disk.baseline();
        Map<String, String> acknowledged = new ConcurrentHashMap<>();
        ExecutorService clients = Executors.newFixedThreadPool(2);
        try {
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                int thread = t;
                sent.add(CompletableFuture.runAsync(() -> {
                    for (int i = thread * 20; i < thread * 20 + 20; i++) {
                        acknowledged.put(submit(esme, i), text(i));
                    }
                }, clients));
            }
            for (int i = 100; i < 110; i++) {
                HttpResponse<String> r = gateway.http().send(post(i), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(202);
                String id = JSON.readTree(r.body()).at("/messages/0/id").asText();
                acknowledged.put(id, text(i));
                posted.put(i, id);
            }
            sent.forEach(CompletableFuture::join);
        } finally {
            clients.shutdownNow();
        }
        assertThat(acknowledged).hasSize(50);
        return acknowledged;
    }

    /** The stores as the cut left them, opened as the next start would: what of {@code ids} they hold. */
    private static Survivors reopen(Path data, java.util.Set<String> ids) {
        Clock clock = Clock.systemUTC();
        Map<String, String> content = new HashMap<>();
        List<String> accepted = new ArrayList<>();
        try (ContentVault vault = ContentVault.open(data.resolve("content"), KeyRing.open(data.resolve("content-keys")),
                ContentConfig.defaults(), clock);
             MetadataStore metadata = MetadataStore.open(data.resolve("metadata"), MetadataStoreConfig.defaults(),
                     clock)) {
            vault.forEachPending((handle, bytes) -> content.put(handle.messageId(),
                    new String(SubmissionCodec.decode(bytes).message().shortMessage(), StandardCharsets.ISO_8859_1)),
                    unreadable -> { });
            Instant now = clock.instant();
            for (String id : ids) {
                if (metadata.query(TrafficQuery.byMessageId(id, now.minus(Duration.ofHours(1)), now)).records()
                        .stream().anyMatch(r -> r.record().eventType() == EventType.ACCEPTED)) {
                    accepted.add(id);
                }
            }
        }
        content.keySet().retainAll(ids);
        return new Survivors(content, accepted);
    }

    private record Survivors(Map<String, String> content, List<String> accepted) {
    }

    private static String submit(EsmeClient esme, int i) {
        try {
            return esme.submit("+4790000" + (1000 + i), text(i), StandardCharsets.ISO_8859_1, (byte) 0x03);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpRequest post(int i) {
        return HttpRequest.newBuilder(gateway.api("/v1/messages"))
                .header("Authorization", "Bearer " + TestGateway.API_KEY)
                .header("Idempotency-Key", "durable-" + i)
                .POST(HttpRequest.BodyPublishers.ofString("{\"to\":\"+4790000" + (1000 + i)
                        + "\",\"from\":\"Acme\",\"text\":\"" + text(i) + "\"}")).build();
    }

    private static String text(int i) {
        return "durable " + i;
    }
}
