package dev.ebb.gateway.http.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.TestGateway;
import dev.ebb.metadata.Channel;
import dev.ebb.metadata.SourceAddress;
import dev.ebb.metadata.TrafficQuery;
import dev.ebb.metadata.TrafficRecord;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The customer HTTP API against the whole gateway over real sockets: a message posted as JSON reaches the handset
 * simulator through the same path as an SMPP submit, its state is read back, and bad requests get a problem naming
 * the field.
 */
class CustomerApiTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String MARKER = "MARKER-Ht62v";

    @RegisterExtension
    final GatewayFixture gateway = GatewayFixture.withSimulator();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void aPostedMessageIsDeliveredAndItsStateReadBack() throws Exception {
        HttpResponse<String> r = send("{\"to\":\"+4790000080\",\"from\":\"Ebb\",\"text\":\"" + MARKER + "\"}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        JsonNode body = json.readTree(r.body());
        String id = body.at("/messages/0/id").asText();
        assertThat(body.get("segments").asInt()).isEqualTo(1);
        assertThat(body.get("encoding").asText()).isEqualTo("GSM7");
        assertThat(r.headers().firstValue("Location")).hasValue("/v1/messages/" + id);
        Await.until("message " + id + " delivered", WAIT, () -> "DELIVERED".equals(state(id)));

        JsonNode status = json.readTree(get("/v1/messages/" + id, TestGateway.API_KEY).body());
        assertThat(status.get("finished").asBoolean()).isTrue();
        assertThat(status.get("events")).extracting(e -> e.get("event").asText())
                .containsExactly("ACCEPTED", "SUBMITTED", "DELIVERED");
        TrafficRecord accepted = gateway.recordsOf(id).get(0).record();
        assertThat(accepted.channel()).isEqualTo(Channel.HTTP);
        assertThat(accepted.clientIp().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(accepted.customerId()).isEqualTo(TestGateway.SYSTEM_ID);
        assertThat(accepted.destination()).isEqualTo("+4790000080");
        assertThat(status.toString()).doesNotContain(MARKER);
        assertThat(accepted.toString()).doesNotContain(MARKER);
    }

    /** Issue 11: the API reads numbers as SMPP ingress does; "4790000001" was a 400. */
    @Test
    void aNumberWithoutPlusIsTakenAndRecordedInE164() throws Exception {
        HttpResponse<String> r = send("{\"to\":\"4790000081\",\"from\":\"12345\",\"text\":\"x\"}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        TrafficRecord accepted = gateway.recordsOf(json.readTree(r.body()).at("/messages/0/id").asText()).get(0)
                .record();
        assertThat(accepted.destination()).isEqualTo("+4790000081");
        assertThat(accepted.source()).isEqualTo(new SourceAddress("12345", 3, 0));
    }

    @Test
    void aLongUnicodeTextGoesAsConcatenatedSegmentsEachDelivered() throws Exception {
        String text = "Привет, ".repeat(20); // 160 UCS-2 characters: three segments of 67 at most

        HttpResponse<String> r = send("{\"to\":\"+4790000081\",\"from\":\"+4791000001\",\"text\":\"" + text + "\"}");

        JsonNode body = json.readTree(r.body());
        assertThat(body.get("encoding").asText()).isEqualTo("UCS2");
        assertThat(body.get("segments").asInt()).isEqualTo(3);
        for (JsonNode m : body.get("messages")) {
            Await.until("segment " + m.get("id").asText() + " delivered", WAIT,
                    () -> "DELIVERED".equals(state(m.get("id").asText())));
        }
        TrafficRecord third = gateway.recordsOf(body.at("/messages/2/id").asText()).get(0).record();
        assertThat(third.segmentIndex()).isEqualTo(3);
        assertThat(third.segmentCount()).isEqualTo(3);
    }

    /** One bad field over the whole path, and the body limit the listener enforces; MessageApiValidationTest has the rest. */
    @Test
    void badRequestsGetAProblemNamingTheFieldAndNothingIsRecorded() throws Exception {
        assertProblem(send("{\"to\":\"4790-abc\",\"from\":\"Ebb\",\"text\":\"x\"}"), 400, "to");
        assertProblem(send("{\"to\":\"+4790000082\",\"from\":\"Ebb\",\"text\":\"" + "x".repeat(
                ApiServer.MAX_BODY_BYTES) + "\"}"), 413, "body");

        assertThat(gateway.metadata().query(TrafficQuery.byMsisdn("+4790000082", TrafficQuery.Role.EITHER,
                Instant.now().minus(Duration.ofHours(1)), Instant.now().plusSeconds(1))).records()).isEmpty();
    }

    @Test
    void onlyTheCustomersOwnKeyWorksAndOnlyForItsOwnMessages() throws Exception {
        String message = "{\"to\":\"+4790000083\",\"from\":\"Ebb\",\"text\":\"hi\"}";
        String id = json.readTree(send(message).body()).at("/messages/0/id").asText();

        assertProblem(sendWith(message, null), 401, null);
        assertProblem(sendWith(message, TestGateway.PASSWORD), 401, null);
        assertProblem(sendWith(message, TestGateway.OFFICER_TOKEN), 401, null);
        assertProblem(get("/v1/messages/" + id, TestGateway.OFFICER_TOKEN), 401, null);
        assertProblem(get("/v1/messages/no-such-id", TestGateway.API_KEY), 404, "id");
        // Issue 18: GET /v1/messages searches by reference, which it needs.
        assertProblem(get("/v1/messages", TestGateway.API_KEY), 400, "reference");
        assertProblem(get("/v1/messages?reference=x", TestGateway.OFFICER_TOKEN), 401, null);
        // The customer's API key is no compliance token either.
        HttpResponse<String> compliance = http().send(HttpRequest.newBuilder(
                        gateway.compliance("/v1/retention/records?messageId=" + id))
                .header("Authorization", "Bearer " + TestGateway.API_KEY).header("X-Case-Reference", "C-1")
                .header("X-Legal-Basis", "test").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(compliance.statusCode()).isEqualTo(401);
    }

    /** Issue 9 item 15: a 405 without Allow; a byte-order mark or a lone surrogate accepted. */
    @Test
    void aWrongMethodNamesTheAllowedOneAndOddJsonIsRefused() throws Exception {
        HttpResponse<String> put = http().send(HttpRequest.newBuilder(gateway.api("/v1/messages")).header("Authorization", "Bearer " + TestGateway.API_KEY)
                .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertProblem(put, 405, null);
        assertThat(put.headers().firstValue("Allow")).hasValue("GET, POST");
        HttpResponse<String> post = http().send(HttpRequest.newBuilder(gateway.api("/v1/messages/some-id"))
                .header("Authorization", "Bearer " + TestGateway.API_KEY)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertProblem(post, 405, null);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET");

        // U+FEFF is the byte-order mark, EF BB BF in UTF-8.
        assertProblem(send("\uFEFF{\"to\":\"+4790000085\",\"from\":\"Ebb\",\"text\":\"x\"}"), 400, "body");
        assertProblem(send("{\"to\":\"+4790000085\",\"from\":\"Ebb\",\"text\":\"x\\ud800\"}"), 400, "body");
        // A number beyond a double's range (found by StrictJsonFuzzTest) is no JSON Ebb reads, whatever the member.
        assertProblem(send("{\"to\":\"+4790000085\",\"from\":\"Ebb\",\"text\":\"x\",\"validity\":1e999}"), 400, "body");
        assertThat(gateway.metadata().query(TrafficQuery.byMsisdn("+4790000085", TrafficQuery.Role.EITHER,
                Instant.now().minus(Duration.ofHours(1)), Instant.now().plusSeconds(1))).records()).isEmpty();
    }

    @Test
    void neitherMetricsNorAnyDataFileCarryTheText() throws Exception {
        String id = json.readTree(send("{\"to\":\"+4790000084\",\"from\":\"Ebb\",\"text\":\"" + MARKER + "\"}")
                .body()).at("/messages/0/id").asText();
        Await.until("message " + id + " delivered", WAIT, () -> "DELIVERED".equals(state(id)));

        String metrics = gateway.metrics();
        assertThat(metrics).contains("ebb_http_requests_total{status=\"202\"}").doesNotContain(MARKER)
                .doesNotContain("4790000084");
        try (Stream<Path> files = Files.walk(gateway.dataDir())) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).as(f.toString())
                        .doesNotContain(MARKER);
            }
        }
    }

    /** Issue 9 hostile test 10: a message smuggled in the body of a request refused with 417 was accepted. */
    @Test
    void aMessageSentAsTheBodyOfARequestRefusedWith417IsNeverAccepted() throws Exception {
        String body = "{\"to\":\"+4790000085\",\"from\":\"Ebb\",\"text\":\"hi\"}";
        String smuggled = "POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TestGateway.API_KEY
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;

        String answers = raw("POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: bogus\r\nContent-Length: "
                + smuggled.length() + "\r\n\r\n" + smuggled);

        assertThat(answers).startsWith("HTTP/1.1 417 ");
        assertThat(answers.split("HTTP/1.1 ", -1)).as("one answer, then the connection closed").hasSize(2);
        assertThat(gateway.metadata().query(TrafficQuery.byMsisdn("+4790000085", TrafficQuery.Role.EITHER,
                Instant.now().minus(Duration.ofHours(1)), Instant.now().plusSeconds(1))).records()).isEmpty();
        // What the listener refuses before the API's handler is counted like the handler's own answers.
        String metrics = gateway.metrics();
        assertThat(metrics).contains("ebb_http_requests_total{status=\"417\"} 1.0");
    }

    /** Issue 9 hostile test 7: the first of two Authorization headers was taken; which did a proxy check? */
    @Test
    void aSecondAuthorizationHeaderIs400() throws Exception {
        String answer = raw("GET /v1/messages/x HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                + TestGateway.API_KEY + "\r\nAuthorization: Bearer other\r\nConnection: close\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 400 ").contains("application/problem+json")
                .contains("\"field\":\"Authorization\"");
    }

    /** Writes the bytes as they are and reads until the server closes. */
    private String raw(String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", gateway.apiPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private String state(String id) {
        try {
            HttpResponse<String> r = get("/v1/messages/" + id, TestGateway.API_KEY);
            return r.statusCode() == 200 ? json.readTree(r.body()).get("state").asText() : null;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private HttpClient http() {
        return gateway.http();
    }

    private void assertProblem(HttpResponse<String> r, int status, String field) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
        if (field != null) {
            assertThat(json.readTree(r.body()).get("field").asText()).isEqualTo(field);
        }
    }

    private HttpResponse<String> send(String body) throws Exception {
        return sendWith(body, TestGateway.API_KEY);
    }

    private HttpResponse<String> sendWith(String body, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(gateway.api("/v1/messages")).header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return http().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> sendBytes(byte[] body) throws Exception {
        return http().send(HttpRequest.newBuilder(gateway.api("/v1/messages"))
                .header("Authorization", "Bearer " + TestGateway.API_KEY).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String key) throws Exception {
        return http().send(HttpRequest.newBuilder(gateway.api(path))
                .header("Authorization", "Bearer " + key).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
