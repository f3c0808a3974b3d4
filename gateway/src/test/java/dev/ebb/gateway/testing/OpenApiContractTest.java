package dev.ebb.gateway.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The checker the end-to-end tests rely on finds what it is there to find: each kind of difference between an exchange
 * and the customer API's document, on exchanges made up to differ in that one way from ones the gateway really makes.
 */
class OpenApiContractTest {
    private static final OpenApiContract API = OpenApiContract.customerApi();
    private static final String SEND = "{\"to\":\"+4790000001\",\"from\":\"Ebb\",\"text\":\"hi\"}";
    private static final String ACCEPTED = "{\"messages\":[{\"id\":\"m1\"}],\"segments\":1,\"encoding\":\"GSM7\"}";
    private static final String PROBLEM = "{\"type\":\"/problems/invalid-parameter\",\"title\":\"Invalid parameter\","
            + "\"status\":400,\"detail\":\"to is required\",\"field\":\"to\"}";
    private static final Map<String, List<String>> AUTHORIZED = Map.of("Authorization", List.of("Bearer k"),
            "Content-Type", List.of("application/json"));

    @Test
    void anAcceptedMessageAsTheGatewayAnswersItConforms() {
        assertThat(API.check(post(SEND, 202, accepted(), ACCEPTED))).isEmpty();
    }

    @Test
    void aStatusTheOperationDoesNotDeclareIsAViolation() {
        assertThat(API.check(post(SEND, 200, Map.of("Content-Type", List.of("application/json")), ACCEPTED)))
                .singleElement().asString().contains("status 200 is not declared");
    }

    @Test
    void aResponseBodyOutsideItsSchemaIsAViolation() {
        assertThat(API.check(post(SEND, 202, accepted(), ACCEPTED.replace("GSM7", "LATIN1"))))
                .isNotEmpty().anySatisfy(v -> assertThat(v).contains("/encoding"));
    }

    @Test
    void aMissingRequiredResponseHeaderIsAViolation() {
        // A 429 must say when to try again.
        String rateLimited = PROBLEM.replace("400", "429").replace("invalid-parameter", "rate-limited");
        assertThat(API.check(post(SEND, 429, problem(), rateLimited)))
                .singleElement().asString().contains("response header Retry-After is required");
    }

    @Test
    void aContentTypeTheResponseDoesNotDeclareIsAViolation() {
        assertThat(API.check(post(SEND, 400, Map.of("Content-Type", List.of("application/json")), PROBLEM)))
                .singleElement().asString().contains("Content-Type [application/json] is not among");
    }

    @Test
    void aRequestOutsideTheDocumentThatIsAcceptedIsAViolation() {
        assertThat(API.check(post("{\"to\":\"+4790000001\",\"text\":\"hi\",\"priority\":\"high\"}", 202, accepted(),
                ACCEPTED))).singleElement().asString().contains("request body").contains("priority");
    }

    @Test
    void aRequestRefusedWith4xxIsNotHeldToTheDocumentButItsAnswerIs() {
        assertThat(API.check(post("{\"to\":4790000001}", 400, problem(), PROBLEM))).isEmpty();
        assertThat(API.check(post("{\"to\":4790000001}", 400, problem(), PROBLEM.replace("\"status\":400,", ""))))
                .isNotEmpty().anySatisfy(v -> assertThat(v).contains("status"));
    }

    /** The customer API ignores query parameters it does not list; the compliance API refuses them. */
    @Test
    void anUndocumentedQueryParameterOfAnAnsweredRequestIsAViolationWhereTheDocumentSaysTheyAreRefused() {
        String health = "{\"ok\":true,\"entriesChecked\":0,\"lastHash\":\"" + "0".repeat(64) + "\",\"firstProblem\":null}";
        OpenApiContract.Exchange verify = new OpenApiContract.Exchange("GET",
                URI.create("http://127.0.0.1:1/v1/audit/verify?verbose=1"), AUTHORIZED, new byte[0], 200,
                Map.of("Content-Type", List.of("application/json")), bytes(health));
        assertThat(OpenApiContract.complianceApi().check(verify)).singleElement().asString()
                .contains("query parameter verbose is not documented");
        assertThat(API.check(new OpenApiContract.Exchange("POST", URI.create("http://127.0.0.1:1/v1/messages?verbose=1"),
                AUTHORIZED, bytes(SEND), 202, accepted(), bytes(ACCEPTED)))).isEmpty();
    }

    @Test
    void anAnsweredRequestWithoutTheTokenTheDocumentRequiresIsAViolation() {
        assertThat(API.check(new OpenApiContract.Exchange("POST", URI.create("http://127.0.0.1:1/v1/messages"),
                Map.of(), bytes(SEND), 202, accepted(), bytes(ACCEPTED))))
                .singleElement().asString().contains("without the bearer token");
    }

    @Test
    void aPathTheDocumentDoesNotListMustBe404AndAMethodItDoesNotList405WithTheDocumentedAllow() {
        URI unknown = URI.create("http://127.0.0.1:1/v1/nowhere");
        assertThat(API.check(new OpenApiContract.Exchange("GET", unknown, AUTHORIZED, new byte[0], 200,
                Map.of("Content-Type", List.of("application/json")), bytes("[]"))))
                .singleElement().asString().contains("must be answered 404");
        URI messages = URI.create("http://127.0.0.1:1/v1/messages");
        Map<String, List<String>> allowGet = Map.of("Content-Type", List.of("application/problem+json"),
                "Allow", List.of("GET"));
        assertThat(API.check(new OpenApiContract.Exchange("PUT", messages, AUTHORIZED, new byte[0], 405, allowGet,
                bytes(PROBLEM.replace("400", "405"))))).singleElement().asString().contains("Allow [GET]");
    }

    private static OpenApiContract.Exchange post(String body, int status, Map<String, List<String>> headers,
                                                 String answer) {
        return new OpenApiContract.Exchange("POST", URI.create("http://127.0.0.1:1/v1/messages"), AUTHORIZED,
                bytes(body), status, headers, bytes(answer));
    }

    private static Map<String, List<String>> accepted() {
        return Map.of("Content-Type", List.of("application/json"), "Location", List.of("/v1/messages/m1"));
    }

    private static Map<String, List<String>> problem() {
        return Map.of("Content-Type", List.of("application/problem+json"));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
