package dev.ebb.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ebb.gateway.config.ClusterConfig;
import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.EsmeClient;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.JsmppSubmit;
import dev.ebb.gateway.testing.Keks;
import dev.ebb.gateway.testing.TestGateway;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsmpp.extra.NegativeResponseException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code config/prometheus-alerts.yml} as Prometheus's own {@code promtool} reads it: the rules are valid, and the unit
 * tests in {@code config/prometheus-alerts.test.yml} (synthetic series per alert that make it fire, and look-alikes
 * that must not) pass. The promtool tests are skipped, saying so, where Debian's {@code prometheus} package is not
 * installed; {@code .ci/run} installs it. That every alert has both kinds of case and that every Ebb metric the rules
 * name is one a running Ebb exposes is checked without it.
 */
class PrometheusAlertRulesTest {
    private static final Path TESTS = Prometheus.ALERTS.resolveSibling("prometheus-alerts.test.yml");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern EBB_METRIC = Pattern.compile("\\bebb_[a-z0-9_]+");

    @RegisterExtension
    final GatewayFixture gateway = GatewayFixture.unstarted();

    @Test
    void promtoolAcceptsTheAlertRules() throws Exception {
        Assumptions.assumeTrue(Prometheus.installed(), Prometheus.NOT_INSTALLED);
        Run check = run(Prometheus.PROMTOOL.toString(), "check", "rules", Prometheus.ALERTS.toString());
        assertThat(check.exit()).as(check.output()).isZero();
        assertThat(check.output()).contains("SUCCESS: " + alertNames().size() + " rules found");
    }

    @Test
    void everyAlertFiresOnItsSeriesAndStaysQuietOnLookAlikes() throws Exception {
        Assumptions.assumeTrue(Prometheus.installed(), Prometheus.NOT_INSTALLED);
        Run test = run(Prometheus.PROMTOOL.toString(), "test", "rules", TESTS.toString());
        assertThat(test.exit()).as(test.output()).isZero();
        assertThat(test.output()).contains("SUCCESS");
    }

    /** A rule without a firing case could be one that never fires; without a quiet case, one that always does. */
    @Test
    void theUnitTestsHaveAFiringAndAQuietCaseForEveryAlert() throws IOException {
        Set<String> firing = new TreeSet<>();
        Set<String> quiet = new TreeSet<>();
        for (JsonNode test : YAML.readTree(TESTS.toFile()).path("tests")) {
            for (JsonNode check : test.path("alert_rule_test")) {
                (check.path("exp_alerts").isEmpty() ? quiet : firing).add(check.path("alertname").asText());
            }
        }
        assertThat(firing).as("alerts with a case where they fire").isEqualTo(alertNames());
        assertThat(quiet).as("alerts with a case where they do not").isEqualTo(alertNames());
    }

    /**
     * The rules must watch series Ebb really exports: after a delivered message and a refused one over real sockets,
     * every {@code ebb_*} name in an expression or summary is a series on {@code /metrics} (a renamed meter would
     * otherwise leave its alert silent forever).
     */
    @Test
    void everyEbbMetricTheRulesNameIsExposedByARunningEbb() throws Exception {
        // In cluster mode, so that the cluster's series are there too; Kafka need not answer for them to be.
        gateway.start(TestGateway.config(gateway.dataDir(), TestGateway.freePort(), true)
                .withKeys(Keks.required(Keks.passphraseFile(Files.createTempDirectory("ebb-kek-"), "kek",
                        "a passphrase for the rules test")))
                .withCluster(new ClusterConfig("rules", List.of("127.0.0.1:" + TestGateway.freePort()), null, Map.of())));
        EsmeClient esme = gateway.esme();
        String id = esme.submit("+4790000001", "rules", StandardCharsets.US_ASCII, (byte) 0);
        Await.until("the receipt is back", Duration.ofSeconds(10), () -> esme.receiptFor(id) != null);
        try {
            esme.submit(JsmppSubmit.to("4790000000000001")); // 16 digits: no E.164 number
            throw new AssertionError("a destination of 16 digits was accepted");
        } catch (NegativeResponseException refused) {
            assertThat(refused.getCommandStatus()).isEqualTo(0x0B); // ESME_RINVDSTADR
        }
        Set<String> exposed = new TreeSet<>();
        Matcher series = Pattern.compile("(?m)^(ebb_[a-z0-9_]+)[{ ]").matcher(gateway.metrics());
        while (series.find()) {
            exposed.add(series.group(1));
        }

        Set<String> named = new TreeSet<>();
        for (JsonNode rule : rules()) {
            Matcher m = EBB_METRIC.matcher(rule.path("expr").asText() + " " + rule.path("annotations").toString());
            while (m.find()) {
                named.add(m.group());
            }
        }
        assertThat(named).isNotEmpty();
        assertThat(exposed).as("series on /metrics").containsAll(named);
    }

    private static Set<String> alertNames() throws IOException {
        Set<String> names = new TreeSet<>();
        rules().forEach(r -> names.add(r.path("alert").asText()));
        return names;
    }

    private static List<JsonNode> rules() throws IOException {
        List<JsonNode> rules = new ArrayList<>();
        for (JsonNode group : YAML.readTree(Prometheus.ALERTS.toFile()).path("groups")) {
            group.path("rules").forEach(rules::add);
        }
        return rules;
    }

    private record Run(int exit, String output) {
    }

    private static Run run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError(String.join(" ", command) + " did not finish within 60 s");
            }
            return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
        } finally {
            process.destroyForcibly();
        }
    }
}
