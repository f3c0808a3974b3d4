package dev.ebb.gateway.http.compliance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The compliance console's files on the compliance listener (issue 16), over plain HTTP with the JDK client: they
 * load without a token, with a strict Content-Security-Policy and the other browser protections, their own content
 * types and revalidation; nothing but the files built in is reachable under /console/ (no path traversal, encoded or
 * not); the console loads nothing from elsewhere and runs no inline script; and every API call it makes still needs a
 * token and is audited.
 */
class ConsoleFilesTest extends ComplianceApiTestBase {
    private static final Path SOURCES = Path.of("src/main/resources/console");
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8",
            "css", "text/css; charset=utf-8", "js", "text/javascript; charset=utf-8", "svg", "image/svg+xml");
    /** The console's own requests are not API calls and go unchecked by the API's contract. */
    private final HttpClient browser = HttpClient.newHttpClient();

    @Test
    void theConsoleLoadsWithoutATokenWithAStrictPolicyAndIsNotAudited() throws Exception {
        HttpResponse<byte[]> page = get("/console/");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.body()).isEqualTo(Files.readAllBytes(SOURCES.resolve("index.html")));
        String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(csp).startsWith("default-src 'self';").contains("script-src 'self';", "frame-ancestors 'none'",
                "object-src 'none'", "base-uri 'none'").doesNotContain("unsafe-inline", "unsafe-eval", "*", "data:");
        assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(page.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
        assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-cache");
        assertThat(page.headers().allValues("Set-Cookie")).isEmpty();
        assertThat(auditEntries()).isEmpty();
    }

    @Test
    void everyFileOfTheConsoleIsServedWithItsTypeAndRevalidatedByItsETag() throws Exception {
        List<Path> sources;
        try (Stream<Path> files = Files.list(SOURCES)) {
            sources = files.sorted().toList();
        }
        assertThat(sources).isNotEmpty();
        for (Path source : sources) {
            String name = source.getFileName().toString();
            HttpResponse<byte[]> file = get("/console/" + name);
            String etag = file.headers().firstValue("ETag").orElseThrow();
            HttpResponse<byte[]> again = browser.send(HttpRequest.newBuilder(uri("/console/" + name))
                    .header("If-None-Match", etag).build(), HttpResponse.BodyHandlers.ofByteArray());

            assertThat(file.statusCode()).as(name).isEqualTo(200);
            assertThat(file.headers().firstValue("Content-Type")).as(name)
                    .hasValue(TYPES.get(name.substring(name.lastIndexOf('.') + 1)));
            assertThat(file.body()).as(name).isEqualTo(Files.readAllBytes(source));
            assertThat(file.headers().firstValue("X-Content-Type-Options")).as(name).hasValue("nosniff");
            assertThat(again.statusCode()).as(name).isEqualTo(304);
            assertThat(again.body()).as(name).isEmpty();
        }
    }

    @Test
    void theConsoleWithoutItsSlashMovesToIt() throws Exception {
        HttpResponse<byte[]> r = get("/console");

        assertThat(r.statusCode()).isEqualTo(301);
        assertThat(r.headers().firstValue("Location")).hasValue("/console/");
    }

    @Test
    void nothingButTheConsolesFilesIsReachableUnderIt() throws Exception {
        List<String> targets = List.of("/console/../v1/openapi.json", "/console/%2e%2e/v1/openapi.json",
                "/console/..%2f..%2fopenapi%2fcompliance-api.json", "/console/.%2e/.%2e/ebb.yaml",
                "/console/console.js/../../v1/whoami", "/console//index.html", "/console/index.html%00",
                "/console/%69ndex.html", "/console/..\\..\\openapi\\compliance-api.json", "/console/Index.html");
        for (String target : targets) {
            String[] r = rawOfficerGet(target);
            assertThat(r[0]).as(target).isEqualTo("404");
            assertThat(r[2]).as(target).containsIgnoringCase("content-type: application/problem+json");
            assertThat(r[1]).as(target).doesNotContain("openapi\"", "<html");
        }
        // Like any path that names nothing, each is audited as refused.
        assertThat(auditEntries()).hasSize(targets.size()).allSatisfy(e -> {
            assertThat(e.at("/event/action").asText()).isEqualTo("UNKNOWN");
            assertThat(e.at("/event/outcome").asText()).isEqualTo("REFUSED");
        });
    }

    @Test
    void aConsoleFileTakesOnlyGetAndAnotherMethodIsAudited() throws Exception {
        HttpResponse<byte[]> r = browser.send(HttpRequest.newBuilder(uri("/console/index.html"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.headers().firstValue("Allow")).hasValue("GET");
        assertThat(auditEntries()).singleElement().satisfies(e -> assertThat(e.at("/event/outcome").asText())
                .isEqualTo("REFUSED"));
    }

    /**
     * Attack review: the policy and the other browser protections were set on the files and the redirect only; a 404
     * or 405 under /console/, which a browser may be sent to as readily as to a file, went without them.
     */
    @Test
    void everyAnswerUnderTheConsoleCarriesItsPolicy() throws Exception {
        HttpResponse<byte[]> page = get("/console/");
        List<HttpResponse<byte[]>> answers = List.of(get("/console"), get("/console/nothing-here"),
                get("/console/%3Cscript%3E"), browser.send(HttpRequest.newBuilder(uri("/console/"))
                        .header("If-None-Match", page.headers().firstValue("ETag").orElseThrow()).build(),
                        HttpResponse.BodyHandlers.ofByteArray()),
                browser.send(HttpRequest.newBuilder(uri("/console/index.html")).DELETE().build(),
                        HttpResponse.BodyHandlers.ofByteArray()));

        assertThat(answers).extracting(HttpResponse::statusCode).containsExactly(301, 404, 404, 304, 405);
        for (HttpResponse<byte[]> r : answers) {
            assertThat(r.headers().firstValue("Content-Security-Policy")).as(r.uri() + " " + r.statusCode())
                    .hasValue(Console.CONTENT_SECURITY_POLICY);
            assertThat(r.headers().firstValue("X-Content-Type-Options")).as(r.uri().toString()).hasValue("nosniff");
            assertThat(r.headers().firstValue("X-Frame-Options")).as(r.uri().toString()).hasValue("DENY");
        }
    }

    @Test
    void theConsoleLoadsNothingFromElsewhereAndHasNoInlineScriptOrStyle() throws Exception {
        String html = Files.readString(SOURCES.resolve("index.html"));
        Matcher refs = Pattern.compile("(?:src|href)=\"([^\"]*)\"").matcher(html);
        while (refs.find()) {
            String ref = refs.group(1);
            assertThat(ref.startsWith("#") || Files.exists(SOURCES.resolve(ref))).as(ref).isTrue();
        }
        assertThat(html).doesNotContainPattern("<script(?![^>]*\\bsrc=)").doesNotContainPattern("\\son[a-z]+=")
                .doesNotContain("style=", "<style");
        for (String name : List.of("index.html", "console.css", "console.js", "verify.js")) {
            assertThat(Files.readString(SOURCES.resolve(name))).as(name).doesNotContainPattern("https?://")
                    .doesNotContain("@import", "localStorage", "sessionStorage", "document.cookie", "innerHTML",
                            "eval(");
        }
    }

    @Test
    void everyApiCallTheConsoleMakesNeedsATokenAndIsAudited() throws Exception {
        get("/console/");
        for (String path : List.of("/v1/whoami", "/v1/requests", "/v1/keys/delivery", "/v1/audit",
                "/v1/audit/verify")) {
            assertProblem(send(HttpRequest.newBuilder(uri(path)).build()), 401, null);
        }

        assertThat(auditEntries()).hasSize(5).allSatisfy(e -> {
            assertThat(e.at("/event/outcome").asText()).isEqualTo("REFUSED");
            assertThat(e.at("/event/reason").asText()).isEqualTo("no bearer token");
        });
    }

    private HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
        return browser.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
