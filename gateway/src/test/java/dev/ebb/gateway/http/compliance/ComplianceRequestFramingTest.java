package dev.ebb.gateway.http.compliance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ebb.metadata.EventType;
import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 9 item 14: every request to the compliance listener is audited, also those Netty refuses before routing
 * (no token is trusted from them), those to no resource and those with a method the resource does not take; header
 * values are read as UTF-8, and a header read once may be sent once.
 */
class ComplianceRequestFramingTest extends ComplianceApiTestBase {
    private static final String QUERY = "/v1/retention/records?messageId=m1" + WINDOW;
    private static final String OFFICER_HEADER = "Authorization: Bearer " + OFFICER;
    private static final String BASIS_HEADER = "X-Legal-Basis: " + BASIS;

    @Test
    void aControlCharacterInAHeaderIs400AndAuditedAsUnauthenticated() throws Exception {
        String[] r = raw(head("GET " + QUERY + " HTTP/1.1", OFFICER_HEADER, BASIS_HEADER,
                "X-Case-Reference: A\u0001B")
                .getBytes(StandardCharsets.ISO_8859_1));

        assertMalformedAndAudited(r);
    }

    @Test
    void headersOverTheLimitAre400AndAudited() throws Exception {
        String[] r = raw(head("GET " + QUERY + " HTTP/1.1", OFFICER_HEADER, "X-Case-Reference: " + CASE,
                BASIS_HEADER, "X-Padding: " + "x".repeat(16 * 1024))
                .getBytes(StandardCharsets.US_ASCII));

        assertMalformedAndAudited(r);
    }

    @Test
    void bareLineFeedsAre400AndAudited() throws Exception {
        String[] r = raw(head("GET " + QUERY + " HTTP/1.1", OFFICER_HEADER, "X-Case-Reference: " + CASE,
                BASIS_HEADER).replace("\r\n", "\n").getBytes(StandardCharsets.US_ASCII));

        assertMalformedAndAudited(r);
    }

    @Test
    void aSecondHostThatTheListenerRefusesIsAuditedToo() throws Exception {
        String[] r = raw(head("GET " + QUERY + " HTTP/1.1", "Host: evil.example", OFFICER_HEADER,
                "X-Case-Reference: " + CASE, BASIS_HEADER).getBytes(StandardCharsets.US_ASCII));

        assertThat(r[0]).isEqualTo("400");
        JsonNode problem = json.readTree(r[1]);
        assertThat(problem.get("field").asText()).isEqualTo("Host");
        JsonNode entry = onlyAuditEntry();
        assertThat(entry.at("/event/outcome").asText()).isEqualTo("REFUSED");
        assertThat(entry.at("/event/tokenId").isNull()).isTrue();
        assertThat(entry.at("/event/requestId").asText()).isEqualTo(problem.get("requestId").asText());
    }

    @Test
    void aMethodTheResourceDoesNotTakeIs405AndAuditedWithTheToken() throws Exception {
        HttpResponse<String> r = send(request(QUERY, OFFICER).DELETE().build());

        assertProblem(r, 405, null);
        JsonNode entry = onlyAuditEntry();
        assertThat(entry.at("/event/action").asText()).isEqualTo("UNKNOWN");
        assertThat(entry.at("/event/outcome").asText()).isEqualTo("REFUSED");
        assertThat(entry.at("/event/tokenId").asText()).isEqualTo("officer-1");
        assertThat(entry.at("/event/criteria/method").asText()).isEqualTo("DELETE");
        assertThat(entry.at("/event/criteria/path").asText()).isEqualTo("/v1/retention/records");
        assertThat(entry.at("/event/requestId").asText()).isEqualTo(json.readTree(r.body()).get("requestId").asText());
    }

    @Test
    void anUnknownPathIs404AndAuditedWithTheToken() throws Exception {
        HttpResponse<String> r = send(request("/v1/retention/everything", OFFICER).GET().build());

        assertProblem(r, 404, null);
        JsonNode entry = onlyAuditEntry();
        assertThat(entry.at("/event/outcome").asText()).isEqualTo("REFUSED");
        assertThat(entry.at("/event/tokenId").asText()).isEqualTo("officer-1");
        assertThat(entry.at("/event/criteria/path").asText()).isEqualTo("/v1/retention/everything");
    }

    @Test
    void aCaseReferenceInUtf8IsAuditedAsSent() throws Exception {
        append("m1", "+4791000001", "+4790000001", EventType.ACCEPTED);
        String reference = "Sak 2025/Ø-17 §";

        String[] r = raw(head("GET " + QUERY + " HTTP/1.1", OFFICER_HEADER,
                "X-Case-Reference: " + reference, BASIS_HEADER).getBytes(StandardCharsets.UTF_8));

        assertThat(r[0]).isEqualTo("200");
        assertThat(auditEntries()).extracting(e -> e.at("/event/caseReference").asText())
                .containsExactly(reference, reference);
    }

    @Test
    void aCaseReferenceThatIsNotUtf8Is400NamingTheHeaderAndAudited() throws Exception {
        // "Sak Ø" in ISO-8859-1: 0xD8 alone is no UTF-8.
        byte[] request = head("GET " + QUERY + " HTTP/1.1", OFFICER_HEADER,
                "X-Case-Reference: Sak \u00d8", BASIS_HEADER).getBytes(StandardCharsets.ISO_8859_1);

        String[] r = raw(request);

        assertThat(r[0]).isEqualTo("400");
        assertThat(json.readTree(r[1]).get("field").asText()).isEqualTo("X-Case-Reference");
        JsonNode entry = onlyAuditEntry();
        assertThat(entry.at("/event/outcome").asText()).isEqualTo("REFUSED");
        assertThat(entry.at("/event/tokenId").asText()).isEqualTo("officer-1");
    }

    @Test
    void aSecondCaseReferenceIs400NamingTheHeaderAndAudited() throws Exception {
        append("m1", "+4791000001", "+4790000001", EventType.ACCEPTED);

        HttpResponse<String> r = send(request(QUERY, OFFICER).header("X-Case-Reference", CASE)
                .header("X-Case-Reference", "CASE-2025-99").header("X-Legal-Basis", BASIS).GET().build());

        assertProblem(r, 400, "X-Case-Reference");
        JsonNode entry = onlyAuditEntry();
        assertThat(entry.at("/event/action").asText()).isEqualTo("QUERY");
        assertThat(entry.at("/event/outcome").asText()).isEqualTo("REFUSED");
        assertThat(entry.at("/event/tokenId").asText()).isEqualTo("officer-1");
        assertThat(entry.at("/event/reason").asText()).contains("more than once");
    }

    private void assertMalformedAndAudited(String[] r) throws IOException {
        assertThat(r[0]).isEqualTo("400");
        assertThat(r[2].toLowerCase()).contains("content-type: application/problem+json");
        JsonNode problem = json.readTree(r[1]);
        JsonNode entry = onlyAuditEntry();
        assertThat(entry.at("/event/outcome").asText()).isEqualTo("REFUSED");
        // Nothing of a request Netty could not decode is trusted, its token least of all.
        assertThat(entry.at("/event/tokenId").isNull()).isTrue();
        assertThat(entry.at("/event/caseReference").isNull()).isTrue();
        assertThat(entry.at("/event/clientAddress").asText()).isEqualTo("127.0.0.1");
        assertThat(entry.at("/event/reason").asText()).contains("not well-formed");
        assertThat(entry.at("/event/requestId").asText()).isEqualTo(problem.get("requestId").asText());
    }

    /**
     * Issue 9 hostile test 10: after a 417 the body was run as the next request (a smuggled audit verify got 200), and
     * the 417 was the one refusal not audited.
     */
    @Test
    void aRequestSentAsTheBodyOfOneRefusedWith417IsNeverRunAndThe417IsAudited() throws Exception {
        String smuggled = head("GET /v1/audit/verify HTTP/1.1", "Authorization: Bearer " + AUDITOR);
        byte[] request = ("POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: bogus\r\nContent-Length: "
                + smuggled.length() + "\r\n\r\n" + smuggled).getBytes(StandardCharsets.US_ASCII);

        String[] r = raw(request);

        assertThat(r[0]).isEqualTo("417");
        assertThat(r[1]).as("one answer, then the connection closed").doesNotContain("HTTP/1.1");
        JsonNode entry = onlyAuditEntry();
        assertThat(entry.at("/event/outcome").asText()).isEqualTo("REFUSED");
        assertThat(entry.at("/event/requestId").asText()).isEqualTo(json.readTree(r[1]).get("requestId").asText());
    }

    private JsonNode onlyAuditEntry() throws IOException {
        List<JsonNode> entries = auditEntries();
        assertThat(entries).hasSize(1);
        return entries.get(0);
    }

    /** A request head: the request line, Host, the headers given, Connection: close. */
    private static String head(String requestLine, String... headers) {
        StringBuilder b = new StringBuilder(requestLine).append("\r\nHost: 127.0.0.1\r\n");
        for (String h : headers) {
            b.append(h).append("\r\n");
        }
        return b.append("Connection: close\r\n\r\n").toString();
    }

    /** Sends the bytes as they are; returns the status, the body and the head of the answer. */
    private String[] raw(byte[] request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request);
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int end = response.indexOf("\r\n\r\n");
            return new String[] {response.substring(9, 12), response.substring(end + 4), response.substring(0, end)};
        }
    }
}
