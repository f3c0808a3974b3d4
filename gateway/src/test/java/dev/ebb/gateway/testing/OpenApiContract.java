package dev.ebb.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialects;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One of Ebb's OpenAPI documents as a checker of real exchanges: given a request and the response it got, it finds
 * the operation and says every way the two differ from the document. The response side is always checked: its status
 * must be declared, its required headers present and valid, its content type declared and its body valid against the
 * schema (JSON, each line of JSON lines, or the text of a {@code text/*} body as a string). The request side (path,
 * query and header parameters, security, body) is checked unless the answer is a 4xx: a request refused for being
 * wrong may well be wrong on purpose, and what matters of it is that the refusal is as documented. A request to a
 * path the document does not list must be answered 404, a method a documented path does not take 405 with an
 * {@code Allow} header naming exactly the documented methods, both as the document's {@code Problem}.
 *
 * <p>The documents are the ones the gateway serves, read from the class path; schemas are checked with the OpenAPI
 * 3.1 dialect of JSON Schema 2020-12, formats asserted.
 */
public final class OpenApiContract {
    private static final Map<String, OpenApiContract> LOADED = new ConcurrentHashMap<>();
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch",
            "trace");
    private static final tools.jackson.databind.ObjectMapper BODIES = new tools.jackson.databind.ObjectMapper();

    private final String name;
    private final String text;
    private final JsonNode document;
    private final String base;
    private final SchemaRegistry schemas;
    private final Map<String, Schema> byPointer = new ConcurrentHashMap<>();

    private OpenApiContract(String resource, String text) throws IOException {
        this.name = resource;
        this.text = text;
        this.document = new ObjectMapper().readTree(text);
        this.base = "https://ebb.invalid" + resource;
        this.schemas = SchemaRegistry.withDefaultDialect(Dialects.getOpenApi31(), b -> b.schemas(Map.of(base, text))
                .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
    }

    /** The customer API's document, as the API listener serves it. */
    public static OpenApiContract customerApi() {
        return of("/openapi/customer-api.json");
    }

    /** The compliance API's document, as the compliance listener serves it. */
    public static OpenApiContract complianceApi() {
        return of("/openapi/compliance-api.json");
    }

    /** The document at {@code resource} on the class path, read once for all tests (it never changes in a run). */
    private static OpenApiContract of(String resource) {
        return LOADED.computeIfAbsent(resource, r -> {
            try (InputStream in = OpenApiContract.class.getResourceAsStream(r)) {
                if (in == null) {
                    throw new IllegalArgumentException("no " + r + " on the class path");
                }
                return new OpenApiContract(r, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The document as a tree. */
    public JsonNode document() {
        return document;
    }

    /** The document's bytes as the jar holds them. */
    public byte[] bytes() {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * What is wrong with the document itself: swagger-parser's messages on reading it as OpenAPI 3.1 with its
     * references resolved, and every schema of its components that JSON Schema cannot compile. Empty when nothing.
     */
    public List<String> documentProblems() {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(text, null, options);
        List<String> out = new ArrayList<>(parsed.getMessages() == null ? List.of() : parsed.getMessages());
        if (parsed.getOpenAPI() == null || !parsed.getOpenAPI().getOpenapi().startsWith("3.1.")) {
            out.add(name + " is not an OpenAPI 3.1 document");
        }
        for (String schema : names(document.path("components").path("schemas"))) {
            try {
                schema(new Located(null, "#/components/schemas/" + escape(schema))).validate(BODIES.nullNode());
            } catch (RuntimeException e) {
                out.add(name + ": schema " + schema + " does not compile: " + e.getMessage());
            }
        }
        return out;
    }

    /**
     * A request and the response it got, as they went over the wire.
     *
     * @param headers     header names in any case
     * @param requestBody empty when there was none
     */
    public record Exchange(String method, URI uri, Map<String, List<String>> headers, byte[] requestBody, int status,
                           Map<String, List<String>> responseHeaders, byte[] responseBody) {
    }

    /** Every way {@code x} differs from the document; empty when it conforms. */
    public List<String> check(Exchange x) {
        List<String> out = new ArrayList<>();
        String path = x.uri().getRawPath();
        Located template = template(path);
        if (template == null) {
            expectProblem(x, 404, "a path the document does not list", out);
            return out;
        }
        JsonNode item = template.node();
        String method = x.method().toLowerCase(Locale.ROOT);
        if (!item.has(method)) {
            expectProblem(x, 405, x.method() + " on " + template.pointer() + ", which the document does not list", out);
            Set<String> documented = new TreeSet<>();
            item.fieldNames().forEachRemaining(m -> {
                if (METHODS.contains(m)) {
                    documented.add(m.toUpperCase(Locale.ROOT));
                }
            });
            Set<String> allowed = new TreeSet<>();
            for (String v : header(x.responseHeaders(), "Allow")) {
                for (String m : v.split(",")) {
                    allowed.add(m.strip());
                }
            }
            if (x.status() == 405 && !allowed.equals(documented)) {
                out.add("405 Allow " + allowed + " but the document lists " + documented + " for "
                        + template.pointer());
            }
            return out;
        }
        Located operation = new Located(item.get(method), template.pointer() + "/" + method);
        checkResponse(x, operation, out);
        if (x.status() / 100 != 4) {
            checkRequest(x, template, operation, out);
        }
        return out;
    }

    /** Where an exchange is named in a violation: method, path and status, never a query or body. */
    private static String where(Exchange x) {
        return x.method() + " " + x.uri().getRawPath() + " -> " + x.status();
    }

    private record Located(JsonNode node, String pointer) {
    }

    /** The path item for {@code rawPath}: a template whose literal segments all match, the most literal one first. */
    private Located template(String rawPath) {
        String[] segments = rawPath.split("/", -1);
        Located best = null;
        int bestLiterals = -1;
        for (Iterator<Map.Entry<String, JsonNode>> it = document.get("paths").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String[] t = e.getKey().split("/", -1);
            if (t.length != segments.length) {
                continue;
            }
            int literals = 0;
            boolean match = true;
            for (int i = 0; i < t.length && match; i++) {
                if (isVariable(t[i])) {
                    match = !segments[i].isEmpty();
                } else {
                    match = t[i].equals(segments[i]);
                    literals++;
                }
            }
            if (match && literals > bestLiterals) {
                best = new Located(e.getValue(), "#/paths/" + escape(e.getKey()));
                bestLiterals = literals;
            }
        }
        return best;
    }

    private static boolean isVariable(String segment) {
        return segment.startsWith("{") && segment.endsWith("}");
    }

    private void expectProblem(Exchange x, int status, String what, List<String> out) {
        if (x.status() != status) {
            out.add(where(x) + ": " + what + " must be answered " + status);
            return;
        }
        if (!header(x.responseHeaders(), "Content-Type").equals(List.of("application/problem+json"))) {
            out.add(where(x) + ": a " + status + " is application/problem+json");
            return;
        }
        checkBody(x, new Located(document.at("/components/schemas/Problem"), "#/components/schemas/Problem"),
                "application/problem+json", out, x.responseBody(), "response");
    }

    private void checkResponse(Exchange x, Located operation, List<String> out) {
        JsonNode responses = operation.node().get("responses");
        String code = Integer.toString(x.status());
        String key = responses.has(code) ? code : responses.has(code.charAt(0) + "XX") ? code.charAt(0) + "XX"
                : responses.has("default") ? "default" : null;
        if (key == null) {
            out.add(where(x) + ": status " + code + " is not declared at " + operation.pointer());
            return;
        }
        Located response = resolve(responses.get(key), operation.pointer() + "/responses/" + key);
        JsonNode headers = response.node().path("headers");
        for (Iterator<Map.Entry<String, JsonNode>> it = headers.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Located h = resolve(e.getValue(), response.pointer() + "/headers/" + escape(e.getKey()));
            checkValue(x, "response header " + e.getKey(), header(x.responseHeaders(), e.getKey()), h, out);
        }
        JsonNode content = response.node().get("content");
        if (content == null) {
            if (x.responseBody().length > 0) {
                out.add(where(x) + ": a body, but " + response.pointer() + " declares none");
            }
            return;
        }
        List<String> type = header(x.responseHeaders(), "Content-Type");
        String mediaType = type.isEmpty() ? null : mediaKey(content, type.get(0));
        if (mediaType == null) {
            out.add(where(x) + ": Content-Type " + type + " is not among " + names(content) + " at "
                    + response.pointer());
            return;
        }
        if (x.responseBody().length == 0) {
            out.add(where(x) + ": no body, but " + response.pointer() + " declares " + mediaType);
            return;
        }
        Located schema = new Located(content.get(mediaType).get("schema"),
                response.pointer() + "/content/" + escape(mediaType) + "/schema");
        checkBody(x, schema, mediaType, out, x.responseBody(), "response");
    }

    /**
     * JSON, each line of JSON lines, or the whole text as a string for {@code text/*}; bytes ({@code
     * application/octet-stream}, tlog tiles) have no schema to meet beyond being declared.
     */
    private void checkBody(Exchange x, Located schema, String mediaType, List<String> out, byte[] body, String side) {
        if (mediaType.equals("application/octet-stream")) {
            return;
        }
        String text = new String(body, StandardCharsets.UTF_8);
        List<String> values = new ArrayList<>();
        if (mediaType.endsWith("ndjson")) {
            for (String line : text.split("\n")) {
                if (!line.isEmpty()) {
                    values.add(line);
                }
            }
        } else if (mediaType.startsWith("text/")) {
            try {
                values.add(new ObjectMapper().writeValueAsString(text));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            values.add(text);
        }
        for (String value : values) {
            tools.jackson.databind.JsonNode node;
            try {
                node = BODIES.readTree(value);
            } catch (tools.jackson.core.JacksonException e) {
                out.add(where(x) + ": the " + side + " body is not JSON (" + e.getOriginalMessage() + ")");
                continue;
            }
            for (Error error : schema(schema).validate(node)) {
                out.add(where(x) + ": " + side + " body against " + schema.pointer() + ": " + error);
            }
        }
    }

    private void checkRequest(Exchange x, Located template, Located operation, List<String> out) {
        Map<String, Located> parameters = new LinkedHashMap<>();
        collectParameters(template, parameters);
        collectParameters(operation, parameters);
        Map<String, List<String>> query = query(x.uri().getRawQuery());
        String[] segments = x.uri().getRawPath().split("/", -1);
        String[] names = template.pointer().substring("#/paths/".length()).replace("~1", "/").replace("~0", "~")
                .split("/", -1);
        Set<String> declaredQuery = new LinkedHashSet<>();
        for (Located p : parameters.values()) {
            String name = p.node().get("name").asText();
            String in = p.node().get("in").asText();
            switch (in) {
                case "path" -> {
                    for (int i = 0; i < names.length; i++) {
                        if (names[i].equals("{" + name + "}")) {
                            checkValue(x, "path parameter " + name,
                                    List.of(URLDecoder.decode(segments[i], StandardCharsets.UTF_8)),
                                    p, out);
                        }
                    }
                }
                case "query" -> {
                    declaredQuery.add(name);
                    checkValue(x, "query parameter " + name, query.getOrDefault(name, List.of()), p, out);
                }
                case "header" -> checkValue(x, "header " + name, header(x.headers(), name), p, out);
                default -> out.add(template.pointer() + ": parameter " + name + " in " + in + " is not checked");
            }
        }
        // Whether a listener refuses a query parameter an operation does not list, or ignores it, is the document's word.
        boolean unlistedRefused = !"ignored".equals(document.path("x-ebb-unlisted-query-parameters").asText());
        for (String given : query.keySet()) {
            if (unlistedRefused && !declaredQuery.contains(given)) {
                out.add(where(x) + ": query parameter " + given + " is not documented at " + operation.pointer());
            }
        }
        JsonNode security = operation.node().has("security") ? operation.node().get("security")
                : document.path("security");
        boolean bearer = header(x.headers(), "Authorization").stream()
                .anyMatch(v -> v.regionMatches(true, 0, "Bearer ", 0, 7));
        if (!security.isEmpty() && !bearer) {
            out.add(where(x) + ": answered without 4xx, but without the bearer token " + operation.pointer()
                    + " requires");
        }
        checkRequestBody(x, operation, out);
    }

    private void checkRequestBody(Exchange x, Located operation, List<String> out) {
        JsonNode declared = operation.node().get("requestBody");
        if (declared == null) {
            if (x.requestBody().length > 0) {
                out.add(where(x) + ": a request body, but " + operation.pointer() + " declares none");
            }
            return;
        }
        Located body = resolve(declared, operation.pointer() + "/requestBody");
        if (x.requestBody().length == 0) {
            if (body.node().path("required").asBoolean(false)) {
                out.add(where(x) + ": no request body, but " + body.pointer() + " requires one");
            }
            return;
        }
        JsonNode content = body.node().get("content");
        List<String> type = header(x.headers(), "Content-Type");
        // Ebb reads the body whatever its Content-Type says; without one, it is the operation's one media type.
        String mediaType = type.isEmpty() && content.size() == 1 ? content.fieldNames().next()
                : type.isEmpty() ? null : mediaKey(content, type.get(0));
        if (mediaType == null) {
            out.add(where(x) + ": request Content-Type " + type + " is not among " + names(content));
            return;
        }
        checkBody(x, new Located(content.get(mediaType).get("schema"),
                body.pointer() + "/content/" + escape(mediaType) + "/schema"), mediaType, out, x.requestBody(),
                "request");
    }

    private void collectParameters(Located owner, Map<String, Located> into) {
        JsonNode list = owner.node().path("parameters");
        for (int i = 0; i < list.size(); i++) {
            Located p = resolve(list.get(i), owner.pointer() + "/parameters/" + i);
            into.put(p.node().get("in").asText() + ":" + p.node().get("name").asText().toLowerCase(Locale.ROOT), p);
        }
    }

    /** A parameter or header: present if required, at most once, and each value valid against its schema. */
    private void checkValue(Exchange x, String what, List<String> values, Located declared, List<String> out) {
        if (values.isEmpty()) {
            if (declared.node().path("required").asBoolean(false)) {
                out.add(where(x) + ": " + what + " is required (" + declared.pointer() + ")");
            }
            return;
        }
        if (values.size() > 1) {
            out.add(where(x) + ": " + what + " is given " + values.size() + " times");
        }
        Located declaredSchema = new Located(declared.node().get("schema"), declared.pointer() + "/schema");
        Schema schema = schema(declaredSchema);
        // A query or header value is text; one declared as a number or boolean is checked as what it spells.
        boolean scalar = List.of("integer", "number", "boolean").contains(
                resolve(declaredSchema.node(), declaredSchema.pointer()).node().path("type").asText());
        for (String v : values) {
            try {
                boolean literal = scalar && v.matches("-?[0-9]+(\\.[0-9]+)?|true|false");
                for (Error error : schema.validate(BODIES.readTree(literal ? v
                        : new ObjectMapper().writeValueAsString(v)))) {
                    out.add(where(x) + ": " + what + " against " + declared.pointer() + ": " + error);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private Schema schema(Located schema) {
        return byPointer.computeIfAbsent(schema.pointer(), p -> schemas.getSchema(SchemaLocation.of(base + p)));
    }

    /** A node, or what its local {@code $ref} names, with its pointer. */
    private Located resolve(JsonNode node, String pointer) {
        Located at = new Located(node, pointer);
        while (at.node().has("$ref")) {
            String ref = at.node().get("$ref").asText();
            if (!ref.startsWith("#/")) {
                throw new IllegalStateException(name + ": only local references are followed: " + ref);
            }
            at = new Located(document.at(ref.substring(1)), ref);
        }
        return at;
    }

    /** The media type key of {@code content} a Content-Type names: the same type, its parameters aside if need be. */
    private static String mediaKey(JsonNode content, String contentType) {
        String given = contentType.replace(" ", "").toLowerCase(Locale.ROOT);
        String bare = given.split(";")[0];
        String byBare = null;
        for (Iterator<String> it = content.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            String k = key.replace(" ", "").toLowerCase(Locale.ROOT);
            if (k.equals(given)) {
                return key;
            }
            if (k.split(";")[0].equals(bare)) {
                byBare = key;
            }
        }
        return byBare;
    }

    private static List<String> names(JsonNode object) {
        List<String> out = new ArrayList<>();
        object.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static List<String> header(Map<String, List<String>> headers, String name) {
        List<String> out = new ArrayList<>();
        headers.forEach((k, v) -> {
            if (k.equalsIgnoreCase(name)) {
                out.addAll(v);
            }
        });
        return out;
    }

    /** The query string decoded as a form (RFC 3986 §3.4; '+' as a space, as Ebb's decoder reads it). */
    private static Map<String, List<String>> query(String raw) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.computeIfAbsent(k, n -> new ArrayList<>()).add(v);
        }
        return out;
    }

    /** RFC 6901 §3: a path as one JSON pointer token. */
    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }
}
