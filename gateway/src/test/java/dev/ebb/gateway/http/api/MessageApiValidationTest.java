package dev.ebb.gateway.http.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebb.gateway.config.ContentConfig;
import dev.ebb.gateway.config.CustomerConfig;
import dev.ebb.gateway.config.HashedTokens;
import dev.ebb.gateway.testing.TestConfigs;
import dev.ebb.gateway.testing.UnstartedRoute;
import dev.ebb.metadata.TrafficQuery;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each way a POST /v1/messages body can be wrong, one case each, against the API handler and message API on real
 * stores (no listener: CustomerApiTest keeps the cases only the whole gateway can show, such as the body limit).
 */
class MessageApiValidationTest {
    private static final String KEY = "validation-api-key";
    private static final String TO = "+4790000082";

    @TempDir
    Path dir;
    private UnstartedRoute route;
    private ApiHandler handler;

    @BeforeEach
    void open() {
        route = new UnstartedRoute(dir);
        CustomerConfig acme = TestConfigs.customer("acme").tps(100).apiKey("test", HashedTokens.hashOf(KEY)).build();
        MessageApi api = new MessageApi(route.admission, (customer, segments) -> true, customer -> false,
                route.stores.metadata, ContentConfig.defaults(), route.clock);
        handler = new ApiHandler(api, new IdempotentPosts(IdempotencyStore.open(dir.resolve("idempotency-keys"),
                route.clock), () -> CompletableFuture.completedFuture(null)),
                new HashedTokens<>(Map.of(HashedTokens.hashOf(KEY), acme)), status -> { });
    }

    @AfterEach
    void close() {
        route.close();
    }

    static Stream<Arguments> badBodies() {
        return Stream.of(
                bad("a destination that is no number", "{\"to\":\"4790-abc\",\"from\":\"Ebb\",\"text\":\"x\"}", "to"),
                bad("no destination", "{\"from\":\"Ebb\",\"text\":\"x\"}", "to"),
                bad("no sender", "{\"to\":\"" + TO + "\",\"text\":\"x\"}", "from"),
                bad("a sender over 11 letters", "{\"to\":\"" + TO + "\",\"from\":\"ThisNameIsTooLong\",\"text\":\"x\"}",
                        "from"),
                bad("an empty text", "{\"to\":\"" + TO + "\",\"from\":\"Ebb\",\"text\":\"\"}", "text"),
                bad("a text over 255 segments", "{\"to\":\"" + TO + "\",\"from\":\"Ebb\",\"text\":\""
                        + "x".repeat(153 * 256) + "\"}", "text"),
                bad("a validity over 72 h", "{\"to\":\"" + TO + "\",\"from\":\"Ebb\",\"text\":\"x\",\"validity\":\"PT73H\"}",
                        "validity"),
                bad("a validity that is no duration",
                        "{\"to\":\"" + TO + "\",\"from\":\"Ebb\",\"text\":\"x\",\"validity\":\"soon\"}", "validity"),
                bad("a content retention over 72 h", "{\"to\":\"" + TO + "\",\"from\":\"Ebb\",\"text\":\"x\","
                        + "\"contentRetention\":\"PT72H1S\"}", "contentRetention"),
                bad("a content retention of zero", "{\"to\":\"" + TO + "\",\"from\":\"Ebb\",\"text\":\"x\","
                        + "\"contentRetention\":\"PT0S\"}", "contentRetention"),
                bad("a negative content retention", "{\"to\":\"" + TO + "\",\"from\":\"Ebb\",\"text\":\"x\","
                        + "\"contentRetention\":\"-PT1M\"}", "contentRetention"),
                bad("an unknown content retention", "{\"to\":\"" + TO + "\",\"from\":\"Ebb\",\"text\":\"x\","
                        + "\"contentRetention\":\"until-read\"}", "contentRetention"),
                bad("a content retention as a JSON number", "{\"to\":\"" + TO + "\",\"from\":\"Ebb\",\"text\":\"x\","
                        + "\"contentRetention\":60}", "contentRetention"),
                bad("an unknown member", "{\"to\":\"" + TO + "\",\"from\":\"Ebb\",\"text\":\"x\",\"udh\":\"0500\"}", "udh"),
                bad("a destination as a JSON number", "{\"to\":4790000082,\"from\":\"Ebb\",\"text\":\"x\"}", "to"),
                bad("a member given twice",
                        "{\"to\":\"" + TO + "\",\"to\":\"+4790000083\",\"from\":\"Ebb\",\"text\":\"x\"}", "body"),
                bad("bytes after the object", "{\"to\":\"" + TO + "\",\"from\":\"Ebb\",\"text\":\"x\"} trailing", "body"),
                Arguments.of("invalid UTF-8", new byte[] {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xC3,
                        (byte) 0x28, '"', '}'}, "body"),
                bad("a sender outside ASCII", "{\"to\":\"" + TO + "\",\"from\":\"Café\",\"text\":\"x\"}", "from"),
                bad("an array", "[1,2]", "body"),
                bad("no JSON at all", "not json", "body"),
                // Issue 18: references, and batches as a whole.
                bad("a reference over 64 characters", "{\"to\":\"" + TO + "\",\"from\":\"Ebb\",\"text\":\"x\","
                        + "\"reference\":\"" + "r".repeat(65) + "\"}", "reference"),
                bad("a reference with a control character", "{\"to\":\"" + TO + "\",\"from\":\"Ebb\",\"text\":\"x\","
                        + "\"reference\":\"a\\u0007b\"}", "reference"),
                bad("an empty reference", "{\"to\":\"" + TO + "\",\"from\":\"Ebb\",\"text\":\"x\",\"reference\":\"\"}",
                        "reference"),
                bad("a batch over 1,000 recipients", "{\"to\":[" + ("\"" + TO + "\",").repeat(1000) + "\"" + TO
                        + "\"],\"from\":\"Ebb\",\"text\":\"x\"}", "to[1000]"),
                bad("a batch naming a number twice", "{\"to\":[\"+4790000099\",\"" + TO + "\",\""
                        + TO.substring(1) + "\"],\"from\":\"Ebb\",\"text\":\"x\"}", "to[2]"),
                bad("an empty batch", "{\"to\":[],\"from\":\"Ebb\",\"text\":\"x\"}", "to"),
                bad("a batch with a number as a JSON number", "{\"to\":[\"" + TO + "\",4790000083],\"from\":\"Ebb\","
                        + "\"text\":\"x\"}", "to[1]"),
                bad("a batch whose every recipient is no number", "{\"to\":[\"4790-abc\",\"x\"],\"from\":\"Ebb\","
                        + "\"text\":\"x\"}", "to"),
                bad("a batch with a bad shared field", "{\"to\":[\"" + TO + "\"],\"from\":\"Ebb\",\"text\":\"\"}",
                        "text"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badBodies")
    void aBadBodyGetsA400ProblemNamingTheFieldAndNothingIsRecorded(String why, byte[] body, String field)
            throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel(handler);
        FullHttpResponse response = ApiPost.send(channel, KEY, body);
        try {
            assertThat(response.status().code()).isEqualTo(400);
            assertThat(response.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("application/problem+json");
            assertThat(new ObjectMapper().readTree(response.content().toString(StandardCharsets.UTF_8)).path("field")
                    .asText()).isEqualTo(field);
        } finally {
            response.release();
            channel.finishAndReleaseAll();
        }
        Instant now = route.clock.instant();
        assertThat(route.stores.metadata.query(TrafficQuery.byMsisdn(TO, TrafficQuery.Role.EITHER,
                now.minus(Duration.ofHours(1)), now.plusSeconds(1))).records()).isEmpty();
    }

    private static Arguments bad(String why, String body, String field) {
        return Arguments.of(why, body.getBytes(StandardCharsets.UTF_8), field);
    }
}
