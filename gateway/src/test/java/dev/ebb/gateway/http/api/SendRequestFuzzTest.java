package dev.ebb.gateway.http.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebb.gateway.config.ContentConfig;
import dev.ebb.gateway.config.CustomerConfig;
import dev.ebb.gateway.config.HashedTokens;
import dev.ebb.gateway.testing.TestConfigs;
import dev.ebb.gateway.testing.UnstartedRoute;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Any body posted to {@code POST /v1/messages} by an authenticated customer, through the API handler and on into the
 * real vault and metadata store (no sockets: the handler in an {@code EmbeddedChannel}, a connector that is never
 * started). The answer is 202 or a 400 problem naming a field; never a 500, never no answer.
 */
class SendRequestFuzzTest {
    private static final String KEY = "fuzz-api-key";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    private static UnstartedRoute route;
    private static MessageApi api;
    private static HashedTokens<CustomerConfig> keys;
    private static IdempotentPosts posts;

    @BeforeAll
    static void open() {
        route = new UnstartedRoute(dir);
        CustomerConfig acme = TestConfigs.customer("acme").tps(100).apiKey("fuzz", HashedTokens.hashOf(KEY)).build();
        api = new MessageApi(route.admission, (customer, segments) -> true, customer -> false,
                route.stores.metadata, ContentConfig.defaults(), route.clock);
        keys = new HashedTokens<>(Map.of(HashedTokens.hashOf(KEY), acme));
        posts = new IdempotentPosts(IdempotencyStore.open(dir.resolve("idempotency-keys"), route.clock),
                () -> CompletableFuture.completedFuture(null));
    }

    @AfterAll
    static void close() {
        route.close();
    }

    @FuzzTest(maxDuration = "60s")
    void aPostedBodyIsAcceptedOrRefusedNamingTheField(byte[] body) throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel(new ApiHandler(api, posts, keys, status -> { }));
        FullHttpResponse response = ApiPost.send(channel, KEY, body);

        assertThat(response).as("every request is answered").isNotNull();
        int status = response.status().code();
        assertThat(status).isIn(202, 400);
        if (status == 400) {
            assertThat(response.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("application/problem+json");
            JsonNode problem = JSON.readTree(response.content().toString(StandardCharsets.UTF_8));
            assertThat(problem.path("status").asInt()).isEqualTo(400);
            // A member named "" is refused as the unknown member "": the name may be empty, never missing.
            assertThat(problem.path("field").isTextual()).as("the problem names the member at fault").isTrue();
        }
        response.release();
        channel.finishAndReleaseAll();
    }
}
