package dev.ebb.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebb.gateway.compliance.DeliverySigner;
import dev.ebb.gateway.compliance.SignedJson;
import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.EsmeClient;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.NdJson;
import dev.ebb.gateway.testing.TestGateway;
import dev.ebb.metadata.EventType;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The compliance API against traffic that went through the whole gateway (issue 5, "tests that prove it"): messages
 * sent over SMPP are found by number and by message id with exactly the records the store holds, in queries,
 * deliveries and subject exports alike; none of them carries the message text; every call leaves exactly one request
 * entry in the audit log; and a changed metadata record is caught by the auditor's verify.
 */
class ComplianceEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String MARKER = "MARKER-Kp30w";
    private static final String TO = "+4790000070";

    @RegisterExtension
    final GatewayFixture gateway = GatewayFixture.withSimulator();
    private final ObjectMapper json = new ObjectMapper();
    private EsmeClient esme;
    private int calls;

    @BeforeEach
    void bind() throws Exception {
        esme = gateway.esme();
    }

    @Test
    void gatewayTrafficIsDisclosedExactlyAndWithoutContentByEveryRoute() throws Exception {
        String id = sendAndAwaitReceipt();
        String other = sendAndAwaitReceipt();
        List<String> stored = eventTypes(id);

        HttpResponse<String> byNumber = get("/v1/retention/records?msisdn=%2B4790000070", TestGateway.OFFICER_TOKEN);
        HttpResponse<String> byId = get("/v1/retention/records?messageId=" + id, TestGateway.OFFICER_TOKEN);
        HttpResponse<String> subject = get("/v1/subjects/" + TestGateway.SYSTEM_ID + "/records?msisdn=%2B4790000070",
                TestGateway.OFFICER_TOKEN);
        JsonNode request = json.readTree(post("/v1/requests", "{\"authorisation\":{\"reference\":\"2026-117\","
                + "\"legalType\":\"court order 12/2026\",\"timespan\":{\"start\":\"" + Instant.now().minus(
                Duration.ofHours(1)) + "\",\"end\":\"" + Instant.now().plus(Duration.ofHours(1)) + "\"}},"
                + "\"task\":{\"messageId\":\"" + id + "\"}}").body());
        HttpResponse<String> delivery = get("/v1/requests/" + request.get("id").asText() + "/delivery",
                TestGateway.OFFICER_TOKEN);
        HttpResponse<String> customerKey = get("/v1/retention/records?messageId=" + id, TestGateway.PASSWORD);

        assertThat(recordsOf(byId).stream().map(n -> n.get("eventType").asText())).containsExactlyElementsOf(stored);
        assertThat(recordsOf(byNumber).stream().map(n -> n.get("messageId").asText()).distinct())
                .containsExactlyInAnyOrder(id, other);
        assertThat(recordsOf(byNumber)).hasSize(stored.size() + eventTypes(other).size());
        assertThat(recordsOf(subject)).hasSameSizeAs(recordsOf(byNumber));
        JsonNode d = json.readTree(delivery.body());
        assertThat(d.at("/payload/records")).extracting(n -> n.get("eventType").asText())
                .containsExactlyElementsOf(stored);
        assertThat(SignedJson.verifies(d, DeliverySigner.inDataDir(gateway.dataDir()).publicKey())).isTrue();
        assertThat(customerKey.statusCode()).isEqualTo(401);
        for (HttpResponse<String> r : List.of(byNumber, byId, subject, delivery, customerKey)) {
            assertThat(r.body()).doesNotContain(MARKER);
        }
        assertThat(Files.readString(gateway.dataDir().resolve("audit/audit.log"))).doesNotContain(MARKER);
        // One request entry (accepted or refused) per call; accepted ones are followed by their completion.
        assertThat(auditOutcomes().stream().filter(o -> o.equals("ACCEPTED") || o.equals("REFUSED")))
                .hasSize(calls);
        // Operations see the compliance traffic by action and outcome, and nothing of what was asked.
        String metrics = gateway.metrics();
        assertThat(metrics).contains("ebb_compliance_audit_entries_total{action=\"query\",outcome=\"accepted\"} 2.0")
                .contains("ebb_compliance_audit_entries_total{action=\"query\",outcome=\"refused\"} 1.0")
                .doesNotContain("4790000070").doesNotContain("2026-117");
    }

    /** Issue 11: a number is read by one rule everywhere, so one written without '+' finds the E.164 records. */
    @Test
    void aQueryByANumberWithoutPlusFindsItsRecords() throws Exception {
        String id = sendAndAwaitReceipt();

        HttpResponse<String> byNumber = get("/v1/retention/records?msisdn=4790000070", TestGateway.OFFICER_TOKEN);
        HttpResponse<String> subject = get("/v1/subjects/" + TestGateway.SYSTEM_ID + "/records?msisdn=4790000070",
                TestGateway.OFFICER_TOKEN);

        assertThat(recordsOf(byNumber).stream().map(n -> n.get("messageId").asText()).distinct()).containsExactly(id);
        assertThat(recordsOf(subject)).hasSameSizeAs(recordsOf(byNumber));
    }

    @Test
    void aChangedMetadataRecordIsCaughtByTheAuditorsVerify() throws Exception {
        String id = sendAndAwaitReceipt();
        assertThat(json.readTree(get("/v1/integrity/verify", TestGateway.AUDITOR_TOKEN).body()).get("ok")
                .asBoolean()).isTrue();
        gateway.stop();

        flipAByteOf(id);
        gateway.start(TestGateway.config(gateway.dataDir(), TestGateway.freePort(), true));

        JsonNode report = json.readTree(get("/v1/integrity/verify", TestGateway.AUDITOR_TOKEN).body());
        assertThat(report.get("ok").asBoolean()).isFalse();
        assertThat(report.at("/firstProblem/kind").asText()).isEqualTo("CHANGED");
    }

    private String sendAndAwaitReceipt() throws Exception {
        String id = esme.submit(TO, MARKER, StandardCharsets.ISO_8859_1, (byte) 0x03);
        Await.until("the receipt for " + id, WAIT, () -> esme.receiptFor(id) != null);
        Await.until("the forwarded receipt is recorded", WAIT,
                () -> eventTypes(id).contains(EventType.RECEIPT_FORWARDED.name()));
        return id;
    }

    private List<String> eventTypes(String id) {
        return gateway.eventsOf(id).stream().map(EventType::name).toList();
    }

    /** Flips one bit inside the stored message id of the message: the record changes, its Merkle leaf no longer. */
    private void flipAByteOf(String id) throws IOException {
        byte[] needle = id.getBytes(StandardCharsets.US_ASCII);
        try (Stream<Path> files = Files.walk(gateway.dataDir().resolve("metadata"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".cq4")).toList()) {
                byte[] all = Files.readAllBytes(f);
                for (int i = 0; i + needle.length <= all.length; i++) {
                    if (Arrays.equals(all, i, i + needle.length, needle, 0, needle.length)) {
                        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                            ch.write(ByteBuffer.wrap(new byte[] {(byte) (all[i + 1] ^ 0x01)}), i + 1);
                        }
                        return;
                    }
                }
            }
        }
        throw new AssertionError("message id not found in any metadata file");
    }

    private List<JsonNode> recordsOf(HttpResponse<String> r) throws IOException {
        return NdJson.records(r);
    }

    private List<String> auditOutcomes() throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(gateway.dataDir().resolve("audit/audit.log"))) {
            out.add(json.readTree(line).at("/entry/event/outcome").asText());
        }
        return out;
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        return send(builder(path, token).GET().build());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return send(builder(path, TestGateway.OFFICER_TOKEN).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private HttpRequest.Builder builder(String path, String token) {
        return HttpRequest.newBuilder(gateway.compliance(path))
                .header("Authorization", "Bearer " + token).header("X-Case-Reference", "2026-117")
                .header("X-Legal-Basis", "court order 12/2026").timeout(Duration.ofSeconds(10));
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        calls++;
        return gateway.http().send(request, HttpResponse.BodyHandlers.ofString());
    }
}
