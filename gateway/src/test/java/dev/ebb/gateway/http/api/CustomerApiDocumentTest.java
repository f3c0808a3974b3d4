package dev.ebb.gateway.http.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ebb.gateway.http.ApiDocument;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.OpenApiContract;
import io.netty.handler.codec.http.HttpMethod;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The customer API's OpenAPI document (issue 18): valid OpenAPI 3.1, describing exactly the resources and methods the
 * handler routes (a route added without its documentation fails here), and served by the API listener without a key,
 * as the jar holds it, cacheable and revalidated by its ETag. Every exchange of the end-to-end tests is checked
 * against it through {@link GatewayFixture#http()}.
 */
class CustomerApiDocumentTest {
    private static final OpenApiContract DOCUMENT = OpenApiContract.customerApi();

    @RegisterExtension
    final GatewayFixture gateway = GatewayFixture.withSimulator();

    @Test
    void theDocumentIsValidOpenApi31() {
        assertThat(DOCUMENT.documentProblems()).isEmpty();
    }

    @Test
    void theDocumentDescribesEveryRouteOfTheHandlerAndNoOther() {
        Set<String> routed = new TreeSet<>();
        for (ApiHandler.Resource r : ApiHandler.Resource.values()) {
            for (HttpMethod m : r.methods) {
                routed.add(m.name() + " " + r.template);
            }
        }

        assertThat(operations(DOCUMENT.document())).isEqualTo(routed);
    }

    @Test
    void theListenerServesTheDocumentWithoutAKeyCacheableAndRevalidatedByItsETag() throws Exception {
        HttpResponse<byte[]> first = gateway.http().send(HttpRequest.newBuilder(gateway.api(ApiDocument.PATH))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        String etag = first.headers().firstValue("ETag").orElseThrow();
        HttpResponse<byte[]> again = gateway.http().send(HttpRequest.newBuilder(gateway.api(ApiDocument.PATH))
                .header("If-None-Match", etag).build(), HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<byte[]> changed = gateway.http().send(HttpRequest.newBuilder(gateway.api(ApiDocument.PATH))
                .header("If-None-Match", "\"" + "0".repeat(64) + "\"").build(), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("Content-Type")).hasValue(ApiDocument.MEDIA_TYPE);
        assertThat(first.headers().firstValue("Cache-Control")).hasValue("public, max-age=3600");
        assertThat(first.body()).isEqualTo(DOCUMENT.bytes());
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(again.headers().firstValue("ETag")).hasValue(etag);
        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(changed.body()).isEqualTo(DOCUMENT.bytes());
    }

    /** "METHOD /path" of every operation of an OpenAPI document. */
    static Set<String> operations(JsonNode document) {
        Set<String> out = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            path.getValue().fieldNames().forEachRemaining(m -> {
                if (Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace").contains(m)) {
                    out.add(m.toUpperCase(Locale.ROOT) + " " + path.getKey());
                }
            });
        }
        return out;
    }
}
