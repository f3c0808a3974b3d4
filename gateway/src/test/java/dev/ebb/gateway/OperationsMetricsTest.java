package dev.ebb.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.EsmeClient;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.Scrape;
import dev.ebb.gateway.testing.TestGateway;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jsmpp.extra.NegativeResponseException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14: what an on-call engineer reads on {@code /metrics} after one end-to-end run over real sockets (SMPP
 * submits over jSMPP with receipts back as deliver_sm, HTTP sends over the JDK's client with receipts posted to the
 * customer's endpoint, each with one refusal): every latency histogram counted exactly the messages sent, its buckets
 * ordered and cumulative; refusals counted with their reason; no series carrying a number, a message id or the text;
 * and every expression of {@code config/grafana-dashboard.json} naming a series Ebb exposes.
 */
class OperationsMetricsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String MARKER = "MARKER-Ops14q";
    private static final int SMPP_MESSAGES = 5;
    private static final int HTTP_MESSAGES = 3;
    private static final String CUSTOMER = TestGateway.SYSTEM_ID;

    @RegisterExtension
    static final GatewayFixture gateway = GatewayFixture.unstarted();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger posts = new AtomicInteger();
    private static final List<String> ids = new ArrayList<>();
    private static HttpServer receiptEndpoint;
    private static Scrape before;
    private static Scrape after;
    private static String afterText;

    @BeforeAll
    static void run() throws Exception {
        receiptEndpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiptEndpoint.createContext("/receipts", exchange -> {
            exchange.getRequestBody().readAllBytes();
            posts.incrementAndGet();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiptEndpoint.start();
        gateway.start(TestGateway.builder(gateway.dataDir(), TestGateway.freePort(), true).receiptUrl(URI.create(
                "http://127.0.0.1:" + receiptEndpoint.getAddress().getPort() + "/receipts")).build());
        Await.until("the connector bound", WAIT, () -> status("/health/ready") == 200);
        before = Scrape.of(gateway.metrics());

        EsmeClient esme = gateway.esme();
        for (int i = 0; i < SMPP_MESSAGES; i++) {
            ids.add(esme.submit("+479000010" + i, MARKER + " smpp " + i, StandardCharsets.ISO_8859_1, (byte) 0x03));
        }
        try {
            esme.submit("4790000000000001", MARKER + " refused", StandardCharsets.ISO_8859_1, (byte) 0x03);
        } catch (NegativeResponseException expected) {
            assertThat(expected.getCommandStatus()).isEqualTo(0x0B); // ESME_RINVDSTADR: 16 digits are no E.164 number
        }
        for (int i = 0; i < HTTP_MESSAGES; i++) {
            HttpResponse<String> sent = post("+479000020" + i, MARKER + " http " + i);
            assertThat(sent.statusCode()).isEqualTo(202);
            ids.add(JSON.readTree(sent.body()).at("/messages/0/id").asText());
        }
        assertThat(post("+12", MARKER + " refused").statusCode()).isEqualTo(400);

        Await.until("the SMPP receipts", WAIT, () -> ids.subList(0, SMPP_MESSAGES).stream()
                .allMatch(id -> esme.receiptFor(id) != null));
        Await.until("the HTTP receipts posted", WAIT, () -> posts.get() >= HTTP_MESSAGES);
        // A post is timed once its answer is read, just after the endpoint counted it.
        Await.until("the posts timed", WAIT, () -> delta(Scrape.of(metrics()),
                "ebb_receipt_callback_seconds_count", "customer", CUSTOMER, "outcome", "delivered") == posts.get());
        // The dashboard's GC panel reads a series that appears with the first collection.
        System.gc();
        Await.until("a GC pause timed", WAIT, () -> metrics().contains("jvm_gc_pause_seconds_count"));
        afterText = gateway.metrics();
        after = Scrape.of(afterText);
    }

    @AfterAll
    static void stopEndpoint() {
        receiptEndpoint.stop(0);
    }

    @Test
    void eachLatencyHistogramCountedExactlyTheMessagesOfTheRun() {
        assertThat(delta(after, "ebb_submit_seconds_count", "channel", "smpp", "customer", CUSTOMER,
                "status", "ESME_ROK")).isEqualTo(SMPP_MESSAGES);
        assertThat(delta(after, "ebb_submit_seconds_count", "channel", "smpp", "customer", CUSTOMER,
                "status", "ESME_RINVDSTADR")).isEqualTo(1);
        assertThat(delta(after, "ebb_submit_seconds_count", "channel", "http", "customer", CUSTOMER,
                "status", "202")).isEqualTo(HTTP_MESSAGES);
        assertThat(delta(after, "ebb_submit_seconds_count", "channel", "http", "customer", CUSTOMER,
                "status", "400")).isEqualTo(1);
        assertThat(delta(after, "ebb_southbound_submit_seconds_count", "connector", "sim", "status", "ESME_ROK"))
                .isEqualTo(SMPP_MESSAGES + HTTP_MESSAGES);
        assertThat(delta(after, "ebb_delivery_seconds_count", "connector", "sim", "state", "DELIVERED"))
                .isEqualTo(SMPP_MESSAGES + HTTP_MESSAGES);
        assertThat(delta(after, "ebb_receipt_callback_seconds_count", "customer", CUSTOMER, "outcome", "delivered"))
                .isEqualTo(posts.get()).isEqualTo(HTTP_MESSAGES);
    }

    @Test
    void everyHistogramsBucketsAreOrderedCumulativeAndEndAtItsCount() {
        Map<String, List<Scrape.Sample>> histograms = new LinkedHashMap<>();
        for (Scrape.Sample s : after.samples()) {
            if (s.name().endsWith("_bucket")) {
                Map<String, String> series = new LinkedHashMap<>(s.labels());
                series.remove("le");
                histograms.computeIfAbsent(s.name() + series, k -> new ArrayList<>()).add(s);
            }
        }
        assertThat(histograms.keySet()).anyMatch(k -> k.startsWith("ebb_submit_seconds_bucket"))
                .anyMatch(k -> k.startsWith("ebb_southbound_submit_seconds_bucket"))
                .anyMatch(k -> k.startsWith("ebb_delivery_seconds_bucket"))
                .anyMatch(k -> k.startsWith("ebb_receipt_callback_seconds_bucket"));
        for (List<Scrape.Sample> buckets : histograms.values()) {
            Scrape.Sample first = buckets.get(0);
            List<Scrape.Sample> byBound = buckets.stream()
                    .sorted(Comparator.comparingDouble(OperationsMetricsTest::upperBound)).toList();
            assertThat(buckets).as("buckets of %s in ascending le", first).containsExactlyElementsOf(byBound);
            assertThat(byBound.get(byBound.size() - 1).labels().get("le")).isEqualTo("+Inf");
            for (int i = 1; i < byBound.size(); i++) {
                assertThat(byBound.get(i).value()).as("cumulative buckets of %s", first)
                        .isGreaterThanOrEqualTo(byBound.get(i - 1).value());
            }
            if (first.name().startsWith("ebb_")) {
                assertThat(byBound).as("Ebb's buckets, 0.5 ms to 10 min and +Inf").hasSize(20);
                String[] labels = first.labels().entrySet().stream().filter(e -> !e.getKey().equals("le"))
                        .flatMap(e -> List.of(e.getKey(), e.getValue()).stream()).toArray(String[]::new);
                String family = first.name().substring(0, first.name().length() - "_bucket".length());
                assertThat(byBound.get(byBound.size() - 1).value()).as("+Inf bucket of %s is its count", first)
                        .isEqualTo(after.value(family + "_count", labels));
            }
        }
    }

    @Test
    void refusalsAreCountedWithTheirReasonOnBothChannels() {
        assertThat(delta(after, "ebb_submits_refused_total", "channel", "smpp", "customer", CUSTOMER,
                "status", "ESME_RINVDSTADR", "reason", "destination-not-e164")).isEqualTo(1);
        assertThat(delta(after, "ebb_submits_refused_total", "channel", "http", "customer", CUSTOMER,
                "status", "400", "reason", "invalid-to")).isEqualTo(1);
        assertThat(after.series("ebb_submits_refused_total")).allSatisfy(s -> assertThat(s.labels().get("reason"))
                .matches("[a-z0-9]+(-[a-z0-9]+)*"));
    }

    @Test
    void theConnectorShowsItsBindsWindowAndFaults() {
        assertThat(after.value("ebb_southbound_binds", "connector", "sim")).isEqualTo(2);
        assertThat(after.value("ebb_southbound_binds_wanted", "connector", "sim")).isEqualTo(2);
        assertThat(after.value("ebb_southbound_window", "connector", "sim")).isEqualTo(16); // window 8 x 2 binds
        assertThat(after.series("ebb_southbound_reconnects_total")).singleElement()
                .satisfies(s -> assertThat(s.value()).isZero());
        assertThat(after.series("ebb_southbound_response_timeouts_total")).singleElement()
                .satisfies(s -> assertThat(s.value()).isZero());
    }

    /** DESIGN.md invariant 1: a label is a name from a bounded set, never a number, an id or content. */
    @Test
    void noSeriesNameOrLabelValueCarriesANumberAMessageIdOrTheText() {
        Pattern longNumber = Pattern.compile("[0-9]{5,}");
        for (Scrape.Sample s : after.samples()) {
            assertThat(s.name()).doesNotContainPattern(longNumber);
            for (Map.Entry<String, String> label : s.labels().entrySet()) {
                assertThat(label.getValue()).as("%s of %s", label.getKey(), s.name())
                        .doesNotContainPattern(longNumber).doesNotContain(MARKER);
                for (String id : ids) {
                    assertThat(label.getValue()).as("%s of %s", label.getKey(), s.name()).doesNotContain(id);
                }
            }
        }
        assertThat(afterText).doesNotContain(MARKER).doesNotContain("47900001").doesNotContain("47900002");
    }

    /**
     * Every PromQL expression of the dashboard names only series a running Ebb exposes (histograms through their
     * {@code _bucket}, {@code _count} or {@code _sum}): a renamed metric would leave an empty panel, found here.
     */
    @Test
    void everyExpressionOfTheDashboardNamesASeriesEbbExposes() throws Exception {
        JsonNode dashboard = JSON.readTree(Files.readString(Path.of("..", "config", "grafana-dashboard.json")));
        assertThat(dashboard.at("/__inputs/0/name").asText()).isEqualTo("DS_PROMETHEUS");
        List<String> expressions = dashboard.findValues("expr").stream().map(JsonNode::asText).toList();
        assertThat(expressions).hasSizeGreaterThan(20);
        Set<String> named = new TreeSet<>();
        for (String expr : expressions) {
            Set<String> metrics = PromQl.metricNames(expr);
            assertThat(metrics).as("metrics of %s", expr).isNotEmpty();
            named.addAll(metrics);
        }
        assertThat(named).as("metrics the dashboard shows").allSatisfy(name -> assertThat(after.names())
                .as("series of the scrape").contains(name));
        assertThat(named).contains("ebb_submit_seconds_bucket", "ebb_southbound_submit_seconds_bucket",
                "ebb_delivery_seconds_bucket", "ebb_receipt_callback_seconds_bucket", "ebb_content_oldest_age_seconds",
                "ebb_metadata_oldest_record_age_seconds", "ebb_submits_refused_total", "ebb_ready");
        List<Double> thresholds = dashboard.findValues("steps").stream().flatMap(steps -> {
            List<Double> values = new ArrayList<>();
            steps.forEach(step -> values.add(step.path("value").asDouble(Double.NaN)));
            return values.stream();
        }).toList();
        assertThat(thresholds).as("the 72 h and 12-month lines").contains(72 * 3600.0, 366 * 86400.0);
    }

    private static double upperBound(Scrape.Sample bucket) {
        String le = bucket.labels().get("le");
        return le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
    }

    private static double delta(Scrape now, String name, String... labels) {
        return now.value(name, labels) - before.value(name, labels);
    }

    private static int status(String path) {
        try {
            return gateway.http().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.metricsPort()
                    + path)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            throw new IllegalStateException("GET " + path + " failed", e);
        }
    }

    private static String metrics() {
        try {
            return gateway.metrics();
        } catch (Exception e) {
            throw new IllegalStateException("GET /metrics failed", e);
        }
    }

    private static HttpResponse<String> post(String to, String text) throws Exception {
        return gateway.http().send(HttpRequest.newBuilder(gateway.api("/v1/messages"))
                .header("Authorization", "Bearer " + TestGateway.API_KEY)
                .POST(HttpRequest.BodyPublishers.ofString("{\"to\":\"" + to + "\",\"from\":\"Acme\",\"text\":\""
                        + text + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Just enough of PromQL to find the series an expression reads. */
    static final class PromQl {
        /** Words of the language that are not series: aggregation modifiers, set and grouping operators. */
        private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left",
                "group_right", "bool", "and", "or", "unless", "offset");
        private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

        private PromQl() {
        }

        /**
         * The series names of {@code expr}: identifiers that are not functions (followed by "("), keywords, label
         * names (inside braces, or the grouping list after by/without/on/ignoring), durations or Grafana variables.
         */
        static Set<String> metricNames(String expr) {
            String s = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"") // string literals
                    .replaceAll("\\$\\{?[a-zA-Z_][a-zA-Z0-9_]*}?", "1m") // Grafana variables ($__rate_interval)
                    .replaceAll("\\{[^}]*}", "") // label matchers
                    .replaceAll("\\[[^]]*]", "") // range selectors
                    .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
            Set<String> names = new TreeSet<>();
            Matcher m = IDENTIFIER.matcher(s);
            while (m.find()) {
                String word = m.group();
                int next = m.end();
                while (next < s.length() && Character.isWhitespace(s.charAt(next))) {
                    next++;
                }
                boolean function = next < s.length() && s.charAt(next) == '(';
                boolean number = m.start() > 0 && Character.isDigit(s.charAt(m.start() - 1));
                if (!function && !number && !KEYWORDS.contains(word)) {
                    names.add(word);
                }
            }
            return names.stream().filter(n -> !n.matches("[0-9].*")).collect(Collectors.toCollection(TreeSet::new));
        }
    }
}
