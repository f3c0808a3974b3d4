package dev.ebb.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ebb.gateway.southbound.simulator.HandsetSimulator;
import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.EsmeClient;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.TestConfigs;
import dev.ebb.gateway.testing.TestGateway;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real Prometheus (Debian's {@code prometheus} 2.42) scraping a running Ebb with Ebb's alert rules loaded, every
 * second: the target is up, a query over an Ebb histogram has a value, and an SMSC that goes away makes
 * {@code EbbSmscUnbound} pending (its {@code for: 2m} then makes it fire; pending is Prometheus's own word that the
 * condition holds, so the shipped file is loaded as is, nothing shortened). Skipped, saying so, where the package is
 * not installed; {@code .ci/run} installs it.
 */
class PrometheusScrapeTest {
    private static final String UNBOUND = "EbbSmscUnbound";

    @RegisterExtension
    final GatewayFixture gateway = GatewayFixture.unstarted();
    private Prometheus prometheus;

    /** Per test, not per class: Surefire counts a test skipped in @BeforeAll as neither run nor skipped. */
    @BeforeEach
    void prometheusIsInstalled() {
        Assumptions.assumeTrue(Prometheus.installed(), Prometheus.NOT_INSTALLED);
    }

    @AfterEach
    void stopPrometheus() {
        if (prometheus != null) {
            prometheus.close();
        }
    }

    @Test
    void prometheusScrapesEbbQueriesItsHistogramAndSeesTheSmscUnboundAlertWhenTheSmscStops() throws Exception {
        // Prometheus first: it scrapes a new target only after its discovery's first 5 s update, time the
        // gateway's start then takes anyway.
        int metricsPort = TestGateway.freePort();
        prometheus = Prometheus.start(metricsPort);
        int smscPort = TestGateway.freePort();
        HandsetSimulator smsc = startSmsc(smscPort);
        gateway.start(TestGateway.builder(gateway.dataDir(), smscPort, false).metricsPort(metricsPort).build());
        Await.until("the connector is bound", Prometheus.WAIT, () -> gateway.metric("ebb_southbound_binds") > 0);
        EsmeClient esme = gateway.esme();
        String id = esme.submit("+4790000001", "scraped", StandardCharsets.US_ASCII, (byte) 0);
        Await.until("the receipt is back", Prometheus.WAIT, () -> esme.receiptFor(id) != null);

        prometheus.await("the ebb target is up", () -> {
            JsonNode targets = prometheus.api("/api/v1/targets?state=active").path("activeTargets");
            return targets.size() == 1 && targets.get(0).path("labels").path("job").asText().equals("ebb")
                    && targets.get(0).path("health").asText().equals("up");
        });
        prometheus.await("the submit histogram counts the message",
                () -> value("sum(ebb_submit_seconds_count{channel=\"smpp\"})") == 1);
        double p99 = value("histogram_quantile(0.99, sum by (le) (ebb_submit_seconds_bucket{channel=\"smpp\"}))");
        assertThat(p99).as("p99 of submit_sm -> submit_sm_resp, seconds").isPositive().isLessThan(10);

        prometheus.await("the rules were evaluated on a scrape with the SMSC bound",
                () -> value("ebb_southbound_binds{job=\"ebb\"}") > 0 && evaluatedSince(scrapeTime()));
        assertThat(unboundAlerts()).as("alerts while the SMSC is bound").isEmpty();

        smsc.close();
        prometheus.await(UNBOUND + " is pending or firing for connector sim", () -> unboundAlerts().stream()
                .anyMatch(a -> a.path("labels").path("connector").asText().equals("sim")
                        && List.of("pending", "firing").contains(a.path("state").asText())));
    }

    /** The one sample {@code promql} gives now, NaN while it gives none. */
    private double value(String promql) {
        List<JsonNode> samples = prometheus.query(promql);
        return samples.size() == 1 ? Double.parseDouble(samples.get(0).path("value").get(1).asText()) : Double.NaN;
    }

    /** When Prometheus last scraped Ebb, as its API writes times (RFC 3339). */
    private String scrapeTime() {
        return prometheus.api("/api/v1/targets?state=active").path("activeTargets").get(0).path("lastScrape").asText();
    }

    /** Whether the rule group holding {@value #UNBOUND} was evaluated after {@code time}. */
    private boolean evaluatedSince(String time) {
        return StreamSupport.stream(prometheus.api("/api/v1/rules?type=alert").path("groups").spliterator(), false)
                .filter(g -> StreamSupport.stream(g.path("rules").spliterator(), false)
                        .anyMatch(r -> r.path("name").asText().equals(UNBOUND)))
                .anyMatch(g -> OffsetDateTime.parse(g.path("lastEvaluation").asText())
                        .isAfter(OffsetDateTime.parse(time)));
    }

    private List<JsonNode> unboundAlerts() {
        return StreamSupport.stream(prometheus.api("/api/v1/alerts").path("alerts").spliterator(), false)
                .filter(a -> a.path("labels").path("alertname").asText().equals(UNBOUND)).toList();
    }

    /** The embedded simulator as an SMSC of the test's own, so that the test can stop it. */
    private HandsetSimulator startSmsc(int port) {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        gateway.closeAfter(() -> group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly());
        return gateway.closeAfter(HandsetSimulator.start(TestConfigs.simulator(port)
                .receiptDelay(Duration.ofMillis(10)).build(), group, Clock.systemUTC(), new SecureRandom()));
    }
}
