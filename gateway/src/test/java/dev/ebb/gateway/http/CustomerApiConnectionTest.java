package dev.ebb.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.TestGateway;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The customer API over raw sockets, as {@code ab} talks to it: an HTTP/1.0 client that asks for keep-alive gets it
 * on every kind of answer and sends its next request on the same connection (issue 12; issue 9 item 15 for the
 * listener alone); one that does not ask is answered and closed.
 */
class CustomerApiConnectionTest {
    private static final String BODY = "{\"to\":\"+4790000080\",\"from\":\"Ebb\",\"text\":\"keep me\"}";

    @RegisterExtension
    static final GatewayFixture gateway = GatewayFixture.withSimulator();

    @Test
    void anHttp10KeepAliveClientKeepsItsConnectionOverAcceptedRefusedAndUnknownRequests() throws Exception {
        // What ab -k sends: HTTP/1.0, "Keep-Alive" capitalised, no Host.
        String post = "POST /v1/messages HTTP/1.0\r\nConnection: Keep-Alive\r\nAuthorization: Bearer "
                + TestGateway.API_KEY + "\r\nContent-Type: application/json\r\nContent-Length: "
                + BODY.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + BODY;
        try (RawHttp client = new RawHttp(gateway.apiPort())) {
            for (String request : new String[] {post, post.replace(TestGateway.API_KEY, "wrong-key"),
                    "GET /nowhere HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", post}) {
                client.write(request);

                RawHttp.Answer answer = client.read();

                assertThat(answer.version()).as(request).isEqualTo("HTTP/1.0");
                assertThat(answer.status()).as(request).isIn(202, 401, 404);
                assertThat(answer.header("connection")).as(request).isEqualToIgnoringCase("keep-alive");
            }
        }
    }

    @Test
    void anHttp10ClientThatDoesNotAskForKeepAliveIsClosedAfterItsAnswer() throws Exception {
        try (RawHttp client = new RawHttp(gateway.apiPort())) {
            client.write("GET /nowhere HTTP/1.0\r\n\r\n");

            RawHttp.Answer answer = client.read();

            assertThat(answer.status()).isEqualTo(404);
            assertThat(answer.header("connection")).isEqualToIgnoringCase("close");
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void aStreamedComplianceAnswerToAnHttp10ClientIsNotChunkedAndEndsWithTheConnection() throws Exception {
        // RFC 9112 §6.1: chunked transfer coding must not go to an HTTP/1.0 client, which would read the chunk sizes
        // as part of the body. Even when it asks for keep-alive, the body's end is the close.
        try (RawHttp client = new RawHttp(gateway.compliancePort())) {
            client.write("GET /v1/retention/records?msisdn=%2B4790000081 HTTP/1.0\r\nConnection: Keep-Alive\r\n"
                    + "Authorization: Bearer " + TestGateway.OFFICER_TOKEN + "\r\nX-Case-Reference: 2026-118\r\n"
                    + "X-Legal-Basis: court order 13/2026\r\n\r\n");

            RawHttp.Answer answer = client.readUntilClosed();

            assertThat(answer.version()).isEqualTo("HTTP/1.0");
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.header("transfer-encoding")).isNull();
            assertThat(answer.header("connection")).isEqualToIgnoringCase("close");
            assertThat(answer.body()).startsWith("{\"summary\":").endsWith("}\n");
        }
    }
}
