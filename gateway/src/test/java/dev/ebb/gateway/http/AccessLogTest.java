package dev.ebb.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.gateway.config.StorageConfig;
import dev.ebb.gateway.core.PeerText;
import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.LogCapture;
import dev.ebb.gateway.testing.TestGateway;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14: the customer API and the compliance API write an access log (logger {@code ebb.access}) a line per
 * request, with who asked once authenticated, and never a body, a query string or a whole number, also where a
 * number is in the path. Real HTTP clients against a running gateway; the logger captured while on.
 */
class AccessLogTest {
    private static final String TEXT = "SECRET-TEXT-a14";
    private static final Pattern LINE = Pattern.compile("listener=(\\S+) remote=127\\.0\\.0\\.1 method=(\\S+)"
            + " path=(\\S+) status=(\\d+) bytes=(\\d+) ms=\\d+\\.\\d who=(\\S+)");

    @RegisterExtension
    final GatewayFixture gateway = GatewayFixture.withSimulator();
    private LogCapture log;

    /** On before the first connection opens: whether a connection is logged is decided as it opens. */
    @BeforeEach
    void accessLogOn() {
        log = new LogCapture(AccessLog.LOGGER);
    }

    @AfterEach
    void accessLogOff() {
        log.close();
    }

    @Test
    void eachCustomerApiRequestIsOneLineNamingTheCustomerWithoutItsBodyOrQuery() throws Exception {
        HttpResponse<String> sent = gateway.http().send(HttpRequest.newBuilder(
                        gateway.api("/v1/messages?to=%2B4790000009&key=" + TestGateway.API_KEY))
                .header("Authorization", "Bearer " + TestGateway.API_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"to\":\"+4790000002\",\"from\":\"Acme\",\"text\":\"" + TEXT + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(202);
        String id = sent.headers().firstValue("Location").orElseThrow().substring("/v1/messages/".length());
        // An id with six digits in a row is masked like a number (base 36: now and then).
        String logged = "/v1/messages/" + PeerText.forLog(id);
        HttpResponse<String> status = gateway.http().send(HttpRequest.newBuilder(gateway.api("/v1/messages/" + id))
                .header("Authorization", "Bearer " + TestGateway.API_KEY).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> anonymous = gateway.http().send(HttpRequest.newBuilder(gateway.api("/v1/messages/" + id))
                .build(), HttpResponse.BodyHandlers.ofString());

        List<Matcher> lines = lines(3);
        assertLine(lines.get(0), "api", "POST", "/v1/messages", 202, sent.body(), TestGateway.SYSTEM_ID);
        assertLine(lines.get(1), "api", "GET", logged, 200, status.body(), TestGateway.SYSTEM_ID);
        assertLine(lines.get(2), "api", "GET", logged, 401, anonymous.body(), "-");
        assertThat(String.join("\n", log.lines())).doesNotContain(TEXT).doesNotContain("4790000002")
                .doesNotContain("4790000009").doesNotContain(TestGateway.API_KEY).doesNotContain("?");
    }

    @Test
    void aComplianceRequestNamesTheTokenIdAndMasksANumberInItsPath() throws Exception {
        HttpResponse<String> export = compliance("/v1/cases/%2B4790000001/export?msisdn=%2B4790000003");
        HttpResponse<String> records = compliance("/v1/retention/records?msisdn=%2B4790000004&from=2026-01-01");

        List<Matcher> lines = lines(2);
        assertLine(lines.get(0), "compliance", "GET", "/v1/cases/+4790***001/export", export.statusCode(),
                export.body(), "officer");
        // Streamed in chunks: the bytes are those of every chunk's body.
        assertThat(records.statusCode()).as(records.body()).isEqualTo(200);
        assertLine(lines.get(1), "compliance", "GET", "/v1/retention/records", 200, records.body(), "officer");
        assertThat(String.join("\n", log.lines())).doesNotContain("4790000001").doesNotContain("4790000003")
                .doesNotContain("4790000004").doesNotContain("2026-117").doesNotContain(TestGateway.OFFICER_TOKEN);
    }

    @Test
    void pipelinedRequestsAreLoggedInOrderWithTheirOwnStatus() throws Exception {
        try (RawHttp http = new RawHttp(gateway.apiPort())) {
            http.write("GET /v1/nothing HTTP/1.1\r\nHost: ebb\r\n\r\n"
                    + "GET /v1/messages/x HTTP/1.1\r\nHost: ebb\r\n\r\n"
                    + "GET /v1/messages/y HTTP/1.1\r\n\r\n");
            assertThat(List.of(http.read().status(), http.read().status(), http.read().status()))
                    .containsExactly(404, 401, 400);
        }
        assertThat(lines(3)).map(m -> m.group(3) + " " + m.group(4))
                .containsExactly("/v1/nothing 404", "/v1/messages/x 401", "/v1/messages/y 400");
    }

    @Test
    void pipelinedAnswersWaitingForAGroupCommitNameWhoAskedEach() throws Exception {
        // Hostile review of issue 14: in fsync mode the 202 of a pipelined POST waits for the group commit while the
        // next requests are read; the customer named by the latest request read went to the next answer written, so
        // the second POST of acme was logged who=- (and, on a proxy's connection, under another customer's id).
        gateway.start(TestGateway.config(gateway.dataDir(), TestGateway.freePort(), true)
                .withStorage(StorageConfig.defaults().withFsync(Duration.ofMillis(200), 256)));
        String post = "POST /v1/messages HTTP/1.1\r\nHost: ebb\r\nAuthorization: Bearer " + TestGateway.API_KEY
                + "\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s";
        String body = "{\"to\":\"+4790000002\",\"from\":\"Acme\",\"text\":\"" + TEXT + "\"}";
        try (RawHttp http = new RawHttp(gateway.apiPort())) {
            http.write(String.format(post, body.length(), body) + String.format(post, body.length(), body)
                    + "GET /v1/messages/x HTTP/1.1\r\nHost: ebb\r\n\r\n");
            assertThat(List.of(http.read().status(), http.read().status(), http.read().status()))
                    .containsExactly(202, 202, 401);
        }
        assertThat(lines(3)).map(m -> m.group(4) + " " + m.group(6))
                .containsExactly("202 " + TestGateway.SYSTEM_ID, "202 " + TestGateway.SYSTEM_ID, "401 -");
    }

    /** What the log shows of a path a client chose: numbers masked, nothing that could end or forge the line. */
    @Test
    void aPathIsShownDecodedAndMadeSafe() {
        assertThat(AccessLog.path("/v1/subjects/acme/records?msisdn=%2B4790000001"))
                .isEqualTo("/v1/subjects/acme/records");
        assertThat(AccessLog.path("/v1/cases/2026%20case%0d%0aforged=1/export#x"))
                .isEqualTo("/v1/cases/2026%20case\\r\\nforged=1/export");
        assertThat(AccessLog.path("/v1/cases/case-4790000001/export")).isEqualTo("/v1/cases/case***001/export");
        assertThat(AccessLog.path("/v1/messages/%zz")).isEqualTo("/v1/messages/%zz");
        assertThat(AccessLog.path("/" + "a/".repeat(300))).hasSize(256 + 3).endsWith("...");
    }

    private HttpResponse<String> compliance(String pathAndQuery) throws Exception {
        return gateway.http().send(HttpRequest.newBuilder(gateway.compliance(pathAndQuery))
                .header("Authorization", "Bearer " + TestGateway.OFFICER_TOKEN).header("X-Case-Reference", "2026-117")
                .header("X-Legal-Basis", "court order 12/2026").timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The first {@code n} access log lines, each matched against the line format, once all are written. */
    private List<Matcher> lines(int n) {
        Await.until(n + " access log lines", Duration.ofSeconds(10), () -> log.lines().size() >= n);
        List<String> lines = log.lines();
        assertThat(lines).hasSize(n);
        return lines.stream().map(line -> {
            Matcher m = LINE.matcher(line);
            assertThat(m.matches()).as(line).isTrue();
            return m;
        }).toList();
    }

    private static void assertLine(Matcher line, String listener, String method, String path, int status,
                                   String body, String who) {
        assertThat(line.group(1)).isEqualTo(listener);
        assertThat(line.group(2)).isEqualTo(method);
        assertThat(line.group(3)).isEqualTo(path);
        assertThat(Integer.parseInt(line.group(4))).isEqualTo(status);
        assertThat(Long.parseLong(line.group(5))).isEqualTo(body.getBytes(StandardCharsets.UTF_8).length);
        assertThat(line.group(6)).isEqualTo(who);
    }
}
