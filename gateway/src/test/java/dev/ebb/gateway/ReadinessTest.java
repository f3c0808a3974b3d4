package dev.ebb.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebb.gateway.southbound.simulator.HandsetSimulator;
import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.EsmeClient;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.Scrape;
import dev.ebb.gateway.testing.TestConfigs;
import dev.ebb.gateway.testing.TestGateway;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14: {@code /health/ready} means something. With its SMSC down the gateway answers 503 naming the connector and
 * why (and {@code /health}, its alias, the same), while {@code /health/live} answers 200; once the SMSC is up and
 * bound, 200; when it goes again, 503 again. The SMSC is the embedded simulator, started and stopped by the test on
 * the port the connector keeps dialling.
 */
class ReadinessTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    final GatewayFixture gateway = GatewayFixture.unstarted();
    private final ObjectMapper json = new ObjectMapper();
    private EventLoopGroup smscLoop;
    private int smscPort;

    @BeforeEach
    void startWithoutSmsc() throws Exception {
        smscLoop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        // Closed after the simulators the test leaves to the fixture, which run on it.
        gateway.closeAfter(() -> smscLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly());
        smscPort = TestGateway.freePort();
        gateway.start(TestGateway.config(gateway.dataDir(), smscPort, false));
    }

    @Test
    void readyIs503NamingTheConnectorWhileTheSmscIsDownAnd200OnceItBinds() throws Exception {
        HttpResponse<String> down = get("/health/ready");
        assertThat(down.statusCode()).isEqualTo(503);
        JsonNode report = json.readTree(down.body());
        assertThat(report.get("status").asText()).isEqualTo("NOT READY");
        assertThat(report.get("notReady")).extracting(JsonNode::asText).containsExactly("connector:sim");
        assertThat(report.at("/checks/connector:sim/reason").asText()).contains("no bind up", ":" + smscPort);
        assertThat(report.at("/checks/smpp-listener/ready").asBoolean()).isTrue();
        assertThat(report.at("/checks/api-listener/ready").asBoolean()).isTrue();
        assertThat(report.at("/checks/compliance-listener/ready").asBoolean()).isTrue();
        assertThat(report.at("/checks/content-store/ready").asBoolean()).isTrue();
        assertThat(report.at("/checks/metadata-store/ready").asBoolean()).isTrue();
        assertThat(report.at("/checks/audit-log/ready").asBoolean()).isTrue();
        assertThat(get("/health").statusCode()).as("/health is /health/ready").isEqualTo(503);
        assertThat(get("/health/live").statusCode()).as("the process answers").isEqualTo(200);
        Scrape notReady = scrape();
        assertThat(notReady.value("ebb_ready")).isZero();
        assertThat(notReady.value("ebb_ready_check", "check", "connector:sim")).isZero();
        assertThat(notReady.value("ebb_ready_check", "check", "smpp-listener")).isEqualTo(1);

        HandsetSimulator smsc = startSmsc();
        Await.until("ready once the connector bound", WAIT, () -> get("/health/ready").statusCode() == 200);
        assertThat(json.readTree(get("/health/ready").body()).get("status").asText()).isEqualTo("READY");
        assertThat(get("/health").statusCode()).isEqualTo(200);
        assertThat(scrape().value("ebb_ready")).isEqualTo(1);

        smsc.close();
        Await.until("not ready once the SMSC is gone", WAIT, () -> get("/health/ready").statusCode() == 503);
        assertThat(json.readTree(get("/health/ready").body()).get("notReady")).extracting(JsonNode::asText)
                .containsExactly("connector:sim");

        gateway.closeAfter(startSmsc());
        Await.until("ready again once it binds again", WAIT, () -> get("/health/ready").statusCode() == 200);
    }

    /** While the SMSC is down accepted content waits in the vault, and is counted there until it is delivered. */
    @Test
    void contentWaitingForTheSmscIsCountedUntilItIsDelivered() throws Exception {
        EsmeClient esme = gateway.esme();
        String id = esme.submit("+4790000401", "MARKER-Rd14w", StandardCharsets.ISO_8859_1, (byte) 0x03);
        assertThat(scrape().value("ebb_content_messages")).isEqualTo(1);
        assertThat(scrape().value("ebb_southbound_queued", "connector", "sim")).isEqualTo(1);

        gateway.closeAfter(startSmsc());
        Await.until("the receipt of " + id, WAIT, () -> esme.receiptFor(id) != null);
        assertThat(scrape().value("ebb_content_messages")).isZero();
    }

    private HandsetSimulator startSmsc() {
        return HandsetSimulator.start(TestConfigs.simulator(smscPort).receiptDelay(Duration.ofMillis(10)).build(),
                smscLoop, Clock.systemUTC(), new SecureRandom());
    }

    private HttpResponse<String> get(String path) {
        try {
            return gateway.http().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.metricsPort()
                    + path)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException("GET " + path + " failed", e);
        }
    }

    private Scrape scrape() {
        return Scrape.of(get("/metrics").body());
    }
}
