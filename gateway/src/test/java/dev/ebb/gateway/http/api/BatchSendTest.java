package dev.ebb.gateway.http.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.TestGateway;
import dev.ebb.metadata.EventType;
import dev.ebb.metadata.TrafficQuery;
import dev.ebb.metadata.TrafficRecord;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 18: one POST to many recipients ({@code "to": [...]}) over the whole gateway: a result per recipient in order,
 * bad recipients refused alone, the customer's rate charged per segment per recipient, all or none of a recipient's.
 */
class BatchSendTest {
    private static final Map<Integer, String> BAD = Map.of(10, "4790-abc", 500, "12", 999, "+47 not a number");

    @RegisterExtension
    final GatewayFixture gateway = GatewayFixture.unstarted();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void aBatchOfAThousandWithThreeBadRecipientsSendsTheOtherNineHundredNinetySeven() throws Exception {
        gateway.start(TestGateway.config(gateway.dataDir(), TestGateway.freePort(), true));
        List<String> to = new ArrayList<>();
        for (int i = 0; i < BatchSend.MAX_RECIPIENTS; i++) {
            to.add(BAD.getOrDefault(i, "+479100" + String.format("%04d", i)));
        }

        HttpResponse<String> r = post(json.writeValueAsString(Map.of("to", to, "from", "Ebb", "text", "hello")));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        JsonNode body = json.readTree(r.body());
        assertThat(body.get("accepted").asInt()).isEqualTo(997);
        assertThat(body.get("refused").asInt()).isEqualTo(3);
        assertThat(body.get("segments").asInt()).isEqualTo(1);
        JsonNode results = body.get("results");
        assertThat(results).hasSize(1000);
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            JsonNode result = results.get(i);
            assertThat(result.get("index").asInt()).isEqualTo(i);
            if (BAD.containsKey(i)) {
                assertThat(result.at("/problem/status").asInt()).isEqualTo(400);
                assertThat(result.at("/problem/field").asText()).isEqualTo("to");
                assertThat(result.has("messages")).isFalse();
                continue;
            }
            String id = result.at("/messages/0/id").asText();
            assertThat(ids.add(id)).as("ids are distinct").isTrue();
            List<TrafficRecord> records = gateway.recordsOf(id).stream().map(s -> s.record()).toList();
            assertThat(records.get(0).eventType()).isEqualTo(EventType.ACCEPTED);
            assertThat(records.get(0).destination()).isEqualTo(to.get(i));
        }
        // The answer names no number: the client has its own array, indexes point into it.
        assertThat(r.body()).doesNotContain("4791000001");
    }

    @Test
    void eachRecipientTakesAllItsSegmentsFromTheRateOrNone() throws Exception {
        gateway.start(TestGateway.builder(gateway.dataDir(), TestGateway.freePort(), true).tps(3).build());
        String twoSegments = "x".repeat(200);

        HttpResponse<String> r = post(json.writeValueAsString(Map.of("to", List.of("+4791100001", "+4791100002",
                "+4791100003", "+4791100004"), "from", "Ebb", "text", twoSegments)));

        // Three submits a second, bursts of a second's worth: the first recipient's two segments fit, the second's
        // do not, though one segment would; it is refused whole, as is every later one within the same second.
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        JsonNode results = json.readTree(r.body()).get("results");
        assertThat(results.get(0).get("messages")).hasSize(2);
        int accepted = 0;
        for (JsonNode result : results) {
            if (result.has("messages")) {
                assertThat(result.get("messages")).hasSize(2);
                accepted++;
            } else {
                assertThat(result.at("/problem/status").asInt()).isEqualTo(429);
            }
        }
        assertThat(accepted).isLessThan(4);
        assertThat(gateway.metadata().query(TrafficQuery.byCustomer(TestGateway.SYSTEM_ID,
                Instant.now().minus(Duration.ofHours(1)), Instant.now().plusSeconds(1))).records().stream()
                .filter(s -> s.record().eventType() == EventType.ACCEPTED)).hasSize(2 * accepted);
    }

    @Test
    void aBatchOfWhichNothingWasSentIsAProblemWithTheResults() throws Exception {
        gateway.start(TestGateway.config(gateway.dataDir(), TestGateway.freePort(), true));

        HttpResponse<String> r = post("{\"to\":[\"4790-abc\",\"12\"],\"from\":\"Ebb\",\"text\":\"hello\"}");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
        JsonNode problem = json.readTree(r.body());
        assertThat(problem.get("type").asText()).isEqualTo("/problems/batch-refused");
        assertThat(problem.get("results")).extracting(p -> p.at("/problem/field").asText()).containsExactly("to", "to");
    }

    @Test
    void aNumberTwiceRefusesTheBatchNamingBothIndexes() throws Exception {
        gateway.start(TestGateway.config(gateway.dataDir(), TestGateway.freePort(), true));

        HttpResponse<String> r = post("{\"to\":[\"+4791200001\",\"+4791200002\",\"4791200001\"],\"from\":\"Ebb\","
                + "\"text\":\"hello\"}");

        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode problem = json.readTree(r.body());
        assertThat(problem.get("field").asText()).isEqualTo("to[2]");
        assertThat(problem.get("detail").asText()).contains("to[2]").contains("to[0]");
        assertThat(gateway.metadata().query(TrafficQuery.byCustomer(TestGateway.SYSTEM_ID,
                Instant.now().minus(Duration.ofHours(1)), Instant.now().plusSeconds(1))).records()).isEmpty();
    }

    private HttpResponse<String> post(String body) throws Exception {
        return gateway.http().send(HttpRequest.newBuilder(gateway.api("/v1/messages"))
                .header("Authorization", "Bearer " + TestGateway.API_KEY).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
