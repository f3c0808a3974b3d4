package dev.ebb.gateway.http.compliance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebb.gateway.compliance.AuditLog;
import dev.ebb.gateway.compliance.ComplianceService;
import dev.ebb.gateway.compliance.ComplianceSettings;
import dev.ebb.gateway.compliance.DeliverySigner;
import dev.ebb.gateway.compliance.TokenTable;
import dev.ebb.gateway.compliance.Witnesses;
import dev.ebb.gateway.config.ApiTokenConfig;
import dev.ebb.gateway.config.ComplianceConfig;
import dev.ebb.gateway.http.HttpListener;
import dev.ebb.gateway.testing.ContractCheckedHttpClient;
import dev.ebb.gateway.testing.ExportProofs;
import dev.ebb.gateway.testing.OpenApiContract;
import dev.ebb.gateway.testing.TestConfigs;
import dev.ebb.testing.MutableClock;
import dev.ebb.metadata.Channel;
import dev.ebb.metadata.EventType;
import dev.ebb.metadata.InclusionProof;
import dev.ebb.metadata.MetadataStore;
import dev.ebb.metadata.MetadataStoreConfig;
import dev.ebb.metadata.SourceAddress;
import dev.ebb.metadata.TrafficRecord;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A compliance API listener over real sockets, with a real metadata store and audit log in a temp dir, a test
 * clock, and the helpers its tests share.
 */
abstract class ComplianceApiTestBase {
    static final String OFFICER = "demo-officer-token";
    static final String AUDITOR = "demo-auditor-token";
    /** The demo customer's SMPP password (config/ebb.yaml): customers' credentials never work here. */
    static final String CUSTOMER_PASSWORD = "demo1234";
    static final String CASE = "CASE-2025-17";
    /** HTTP header values are ASCII (RFC 9110 §5.5). */
    static final String BASIS = "Ekomloven s. 2-8b";
    static final String WINDOW = "&from=2025-03-10&to=2025-03-11";
    static final int CAP = 3;
    /** A second compliance officer, for four-eyes approvals. */
    static final String SECOND_OFFICER = "second-officer-token";
    static final int MAX_BODY = 1024;

    @TempDir
    Path dir;
    final MutableClock clock = new MutableClock(Instant.parse("2025-03-10T09:00:00Z"));
    final ObjectMapper json = new ObjectMapper().findAndRegisterModules();
    HttpClient http;
    private ContractCheckedHttpClient checked;
    private String scheme;
    MetadataStore store;
    ComplianceService service;
    AuditLog audit;
    EventLoopGroup group;
    HttpListener server;

    @BeforeEach
    void start() throws Exception {
        checked = new ContractCheckedHttpClient(client(),
                uri -> uri.getPort() == server.port() ? OpenApiContract.complianceApi() : null);
        http = checked;
        open();
    }

    /** Every exchange of the test with the listener was as its OpenAPI document says. */
    @AfterEach
    void conformed() {
        checked.assertConformed();
    }

    /** Stops the listener, the service, the audit log and the store, and opens them again on the same files. */
    void restart() throws Exception {
        stop();
        open();
    }

    private void open() throws Exception {
        store = MetadataStore.open(dir.resolve("metadata"), MetadataStoreConfig.defaults(), clock);
        audit = AuditLog.open(dir.resolve("audit/audit.log"), clock);
        ComplianceConfig config = TestConfigs.compliance().tokens(List.of(
                new ApiTokenConfig("officer-1", TokenTable.hashOf(OFFICER), "compliance-officer"),
                new ApiTokenConfig("officer-2", TokenTable.hashOf(SECOND_OFFICER), "compliance-officer"),
                new ApiTokenConfig("auditor-1", TokenTable.hashOf(AUDITOR), "auditor")))
                .maxRecordsPerPage(CAP).fourEyesThreshold(fourEyesThreshold()).maxBodyBytes(MAX_BODY).build();
        service = new ComplianceService(store, audit, new TokenTable(config.tokens()),
                new ComplianceSettings(config.maxRecordsPerPage(), Period.ofMonths(12), config.fourEyesThreshold(),
                        config.fourEyesWindow(), "ebb-test"), DeliverySigner.inDataDir(dir), clock, witnesses(store));
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        Optional<SslContext> tls = tls();
        scheme = tls.isPresent() ? "https" : "http";
        server = ComplianceServer.start(config, service, group, tls);
    }

    /** The listener's TLS context; plain HTTP when empty. */
    Optional<SslContext> tls() throws Exception {
        return Optional.empty();
    }

    /** The client the tests talk through. */
    HttpClient client() throws Exception {
        return HttpClient.newHttpClient();
    }

    /** The witnesses the service asks to cosign checkpoints; none unless a test says otherwise. */
    Witnesses witnesses(MetadataStore opened) throws Exception {
        return Witnesses.none(opened);
    }

    /** The four-eyes threshold of the listener under test. */
    int fourEyesThreshold() {
        return 1_000;
    }

    @AfterEach
    void stop() {
        server.close();
        group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        audit.close();
        store.close();
    }

    TrafficRecord append(String messageId, String source, String destination, EventType type)
            throws IOException {
        return append("demo", messageId, source, destination, type);
    }

    TrafficRecord append(String customer, String messageId, String source, String destination, EventType type)
            throws IOException {
        TrafficRecord r = TrafficRecord.builder().eventType(type).eventTime(clock.instant()).messageId(messageId)
                .customerId(customer).channel(Channel.SMPP).systemId("demo")
                .clientIp(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))
                .source(SourceAddress.international(source)).destination(destination).route("simulator").build();
        store.append(r);
        clock.advance(Duration.ofMillis(10));
        return r;
    }

    InclusionProof proof(JsonNode p) throws IOException {
        return ExportProofs.proof(p);
    }

    List<JsonNode> auditEntries() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("audit/audit.log"))) {
            out.add(json.readTree(line).get("entry"));
        }
        return out;
    }

    void assertProblem(HttpResponse<String> r, int status, String field) throws IOException {
        assertThat(r.statusCode()).isEqualTo(status);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
        JsonNode p = json.readTree(r.body());
        assertThat(p.get("status").asInt()).isEqualTo(status);
        assertThat(p.get("title").asText()).isNotBlank();
        if (field != null) {
            assertThat(p.get("field").asText()).isEqualTo(field);
        }
    }

    List<JsonNode> lines(String body) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : body.split("\n")) {
            out.add(json.readTree(line));
        }
        return out;
    }

    List<JsonNode> recordLines(String body) throws IOException {
        return lines(body).stream().filter(n -> !n.has("summary")).toList();
    }

    HttpResponse<String> officerGet(String path) throws IOException, InterruptedException {
        return send(request(path, OFFICER).header("X-Case-Reference", CASE).header("X-Legal-Basis", BASIS).GET()
                .build());
    }

    HttpRequest.Builder request(String path, String token) {
        return HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(10));
    }

    /**
     * A GET as an officer over a raw socket, for request targets the JDK client refuses to send (malformed
     * percent-encoding) or whose framing matters; returns the status code, the body as sent and the head.
     */
    String[] rawOfficerGet(String target) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + OFFICER + "\r\nX-Case-Reference: " + CASE + "\r\nX-Legal-Basis: " + BASIS
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int end = response.indexOf("\r\n\r\n");
            return new String[] {response.substring(9, 12), response.substring(end + 4), response.substring(0, end)};
        }
    }

    URI uri(String path) {
        return URI.create(scheme + "://127.0.0.1:" + server.port() + path);
    }

    HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
