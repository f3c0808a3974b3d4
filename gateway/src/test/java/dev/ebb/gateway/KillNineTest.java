package dev.ebb.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebb.gateway.config.HashedTokens;
import dev.ebb.gateway.config.PasswordHash;
import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.EsmeClient;
import dev.ebb.gateway.testing.GatewayProcess;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.TestGateway;
import dev.ebb.metadata.EventType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN.md invariant 4, literally: a gateway process is killed with SIGKILL right after acknowledging
 * messages, and a new one delivers every one of them.
 */
class KillNineTest {
    @TempDir
    Path dir;
    @RegisterExtension
    final GatewayFixture gateway = GatewayFixture.unstarted();

    @Test
    void messagesAcknowledgedBeforeKillNineAreDeliveredAfterRestart() throws Exception {
        Path data = gateway.dataDir();
        int smppPort = TestGateway.freePort();
        int httpPort = TestGateway.freePort();
        int smscPort = TestGateway.freePort();
        Path config = dir.resolve("ebb.yaml");
        // The SMSC is down in the first life: acknowledged messages can only be waiting when the process dies.
        Files.writeString(config, String.join("\n",
                "dataDir: " + data,
                "smpp: {port: " + smppPort + "}",
                "http: {port: " + httpPort + "}",
                "compliance: {port: 0}",
                "metrics: {port: 0}",
                "customers:",
                "  - id: acme",
                "    smpp: {systemId: acme, passwordHash: \"" + PasswordHash.hash("acme1234") + "\"}",
                "    apiKeys: [{id: k, sha256: " + HashedTokens.hashOf(TestGateway.API_KEY) + "}]",
                "routes: [{prefix: \"\", connector: sim}]",
                "connectors: [{name: sim, port: " + smscPort + ", systemId: ebb, password: ebb}]",
                ""));
        Process first = GatewayProcess.start(config, dir.resolve("first.log"), smppPort);
        List<String> ids = new ArrayList<>();
        List<String> httpIds = new ArrayList<>();
        try {
            try (EsmeClient esme = new EsmeClient(smppPort, "acme", "acme1234")) {
                for (int i = 0; i < 25; i++) {
                    ids.add(esme.submit("+47900002" + (10 + i), "survives " + i, StandardCharsets.ISO_8859_1, (byte) 0x03));
                }
                HttpClient http = HttpClient.newHttpClient();
                for (int i = 0; i < 5; i++) {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
                                    + "/v1/messages")).header("Authorization", "Bearer " + TestGateway.API_KEY)
                            .POST(HttpRequest.BodyPublishers.ofString("{\"to\":\"+47900003" + (10 + i)
                                    + "\",\"from\":\"Acme\",\"text\":\"survives too\"}")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(r.statusCode()).isEqualTo(202);
                    httpIds.add(new ObjectMapper().readTree(r.body()).at("/messages/0/id").asText());
                }
                GatewayProcess.kill(first);
            }
        } finally {
            first.destroyForcibly();
        }

        gateway.start(TestGateway.config(data, smscPort, true));
        EsmeClient esme = gateway.esme();
        Await.until("receipts for all 25 messages acknowledged before the kill", Duration.ofSeconds(30),
                () -> ids.stream().allMatch(id -> esme.receiptFor(id) != null));
        // HTTP 202 means the same: the messages posted before the kill are delivered by the next process.
        Await.until("all 5 messages accepted over HTTP before the kill delivered", Duration.ofSeconds(30),
                () -> httpIds.stream().allMatch(id -> gateway.eventsOf(id).contains(EventType.DELIVERED)));
    }
}
