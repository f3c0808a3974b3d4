package dev.ebb.gateway.testing;

import dev.ebb.gateway.Main;
import dev.ebb.gateway.config.EbbConfig;
import dev.ebb.gateway.privacy.FreeSpace;
import dev.ebb.metadata.EventType;
import dev.ebb.metadata.FileSync;
import dev.ebb.metadata.MetadataStore;
import dev.ebb.metadata.StoredRecord;
import dev.ebb.metadata.TrafficQuery;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A whole gateway for one test, registered as {@code @RegisterExtension final GatewayFixture gateway = ...}: a fresh
 * data directory, every listener on a free loopback port, and after the test every client it handed out, everything
 * given to {@link #closeAfter}, and the gateway closed in reverse order and the directory deleted.
 *
 * <p>Registered on a {@code static} field it does the same once for the whole class instead (JUnit then calls
 * {@link #beforeAll} first), for suites whose tests each leave the gateway as they found it.
 */
public final class GatewayFixture implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback {
    private final Function<Path, EbbConfig> initial;
    private final ContractCheckedHttpClient http = new ContractCheckedHttpClient(HttpClient.newHttpClient(),
            this::contractOf);
    private final List<EsmeClient> clients = new ArrayList<>();
    private final List<AutoCloseable> closeAfter = new ArrayList<>();
    private Path dataDir;
    private Main.Running running;
    private boolean perClass;

    private GatewayFixture(Function<Path, EbbConfig> initial) {
        this.initial = initial;
    }

    /** Started before each test with {@link TestGateway#config} and the embedded simulator. */
    public static GatewayFixture withSimulator() {
        return startedWith(dir -> TestGateway.config(dir, TestGateway.freePort(), true));
    }

    /** Started before each test with the configuration made for the test's data directory. */
    public static GatewayFixture startedWith(Function<Path, EbbConfig> config) {
        return new GatewayFixture(config);
    }

    /** Only the data directory is made; the test calls {@link #start(EbbConfig)} itself. */
    public static GatewayFixture unstarted() {
        return new GatewayFixture(null);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        perClass = true;
        setUp();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        tearDown();
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        if (!perClass) {
            setUp();
        }
    }

    /** Closes the gateway (unless it serves the class), then fails a test whose exchanges differ from the documents. */
    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            if (!perClass) {
                tearDown();
            }
        } finally {
            http.assertConformed();
        }
    }

    private void setUp() throws Exception {
        dataDir = Files.createTempDirectory("ebb-gateway-");
        if (initial != null) {
            start(initial.apply(dataDir));
        }
    }

    private void tearDown() throws Exception {
        try {
            closeInReverse(closeAfter);
            stop();
        } finally {
            deleteTree(dataDir);
        }
    }

    /** Stops the running gateway, if any, with its clients, and starts one on {@code config}. */
    public Main.Running start(EbbConfig config) throws InterruptedException {
        return start(config, Clock.systemUTC(), FreeSpace.fileStores());
    }

    /** {@link #start(EbbConfig)} on {@code clock} (a {@code MutableClock} for time-dependent behaviour). */
    public Main.Running start(EbbConfig config, Clock clock) throws InterruptedException {
        return start(config, clock, FreeSpace.fileStores());
    }

    /** {@link #start(EbbConfig)} with the free space of the stores' file systems as {@code disk} reports it. */
    public Main.Running start(EbbConfig config, FreeSpace disk) throws InterruptedException {
        return start(config, Clock.systemUTC(), disk);
    }

    /** {@link #start(EbbConfig)} with the stores forcing their files through {@code sync} (a {@link PowerCut}). */
    public Main.Running start(EbbConfig config, FileSync sync) throws InterruptedException {
        stop();
        running = Main.start(config, Clock.systemUTC(), FreeSpace.fileStores(), sync);
        return running;
    }

    private Main.Running start(EbbConfig config, Clock clock, FreeSpace disk) throws InterruptedException {
        stop();
        running = Main.start(config, clock, disk);
        return running;
    }

    /** Closes the clients handed out so far and the gateway; the data directory stays for a later start. */
    public void stop() {
        for (int i = clients.size() - 1; i >= 0; i--) {
            clients.get(i).close();
        }
        clients.clear();
        if (running != null) {
            Main.Running stopping = running;
            running = null;
            stopping.close();
        }
    }

    /** Closed after the test, before the gateway (a simulator the test started, say). */
    public <T extends AutoCloseable> T closeAfter(T resource) {
        closeAfter.add(resource);
        return resource;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Main.Running running() {
        if (running == null) {
            throw new IllegalStateException("no gateway running");
        }
        return running;
    }

    public int smppPort() {
        return running().smppPort();
    }

    public int apiPort() {
        return running().apiPort();
    }

    public int compliancePort() {
        return running().compliancePort();
    }

    public int metricsPort() {
        return running().metricsPort();
    }

    public MetadataStore metadata() {
        return running().metadata();
    }

    /** A jSMPP transceiver bound as {@link TestGateway#SYSTEM_ID}, closed when the gateway stops. */
    public EsmeClient esme() throws IOException {
        EsmeClient esme = new EsmeClient(smppPort(), TestGateway.SYSTEM_ID, TestGateway.PASSWORD);
        clients.add(esme);
        return esme;
    }

    /**
     * The client to talk to the gateway with: each exchange with the customer API or the compliance API is checked
     * against that API's OpenAPI document, and the test fails after it if one differs ({@link OpenApiContract}).
     */
    public HttpClient http() {
        return http;
    }

    private OpenApiContract contractOf(URI uri) {
        Main.Running now = running;
        if (now == null || !"127.0.0.1".equals(uri.getHost())) {
            return null;
        }
        return uri.getPort() == now.apiPort() ? OpenApiContract.customerApi()
                : uri.getPort() == now.compliancePort() ? OpenApiContract.complianceApi() : null;
    }

    /** The customer HTTP API's address for {@code path}. */
    public URI api(String path) {
        return URI.create("http://127.0.0.1:" + apiPort() + path);
    }

    /** The compliance API's address for {@code path}. */
    public URI compliance(String path) {
        return URI.create("http://127.0.0.1:" + compliancePort() + path);
    }

    /** The Prometheus text the metrics listener serves now. */
    public String metrics() throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The sum of every sample of the meter {@code name} (all its tags) in {@link #metrics}; 0 if there is none. */
    public double metric(String name) {
        try {
            Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*})? (\\S+)$").matcher(metrics());
            double sum = 0;
            while (m.find()) {
                sum += Double.parseDouble(m.group(2));
            }
            return sum;
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("GET /metrics failed", e);
        }
    }

    /** The traffic records of {@code messageId} written in the last hour, oldest first. */
    public List<StoredRecord> recordsOf(String messageId) {
        return recordsOf(metadata(), messageId);
    }

    /** The event types of {@link #recordsOf}. */
    public List<EventType> eventsOf(String messageId) {
        return eventsOf(metadata(), messageId);
    }

    /** {@link #recordsOf(String)} in a store the test opened itself, on a stopped gateway's data. */
    public static List<StoredRecord> recordsOf(MetadataStore store, String messageId) {
        Instant now = Instant.now();
        return store.query(TrafficQuery.byMessageId(messageId, now.minus(Duration.ofHours(1)),
                now.plus(Duration.ofHours(1)))).records();
    }

    public static List<EventType> eventsOf(MetadataStore store, String messageId) {
        return recordsOf(store, messageId).stream().map(r -> r.record().eventType()).toList();
    }

    private static void closeInReverse(List<AutoCloseable> resources) throws Exception {
        Exception first = null;
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        resources.clear();
        if (first != null) {
            throw first;
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot delete " + p, e);
                }
            }
        }
    }
}
