package dev.ebb.gateway.http.compliance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ebb.gateway.compliance.Role;
import dev.ebb.gateway.http.ApiDocument;
import dev.ebb.gateway.testing.OpenApiContract;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The compliance API's OpenAPI document (issue 18): valid OpenAPI 3.1, describing exactly the routes of the handler's
 * route table, each with the audit action it is recorded as and the roles that may call it (a route added without its
 * documentation, or a role changed without it, fails here), and served to any role, audited like every request on
 * this listener, and to nobody without a token. Every exchange of the compliance API tests is checked against it.
 */
class ComplianceApiDocumentTest extends ComplianceApiTestBase {
    private static final OpenApiContract DOCUMENT = OpenApiContract.complianceApi();

    @Test
    void theDocumentIsValidOpenApi31() {
        assertThat(DOCUMENT.documentProblems()).isEmpty();
    }

    @Test
    void theDocumentDescribesEveryRouteWithItsActionAndRolesAndNoOther() {
        Map<String, String> routed = new TreeMap<>();
        for (Route r : ComplianceHandler.routes(service, new Rendering())) {
            routed.put(r.method().name() + " " + template(r.pattern()), r.action().name() + " " + Arrays.stream(
                    Role.values()).filter(role -> role.permits(r.action())).map(Role::configName).toList());
        }

        Map<String, String> documented = new TreeMap<>();
        DOCUMENT.document().get("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(
                op -> documented.put(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey(),
                        op.getValue().get("x-ebb-action").asText() + " " + texts(op.getValue().get("x-ebb-roles")))));
        assertThat(documented).isEqualTo(routed);
    }

    @Test
    void everyRoleGetsTheDocumentAuditedAndACallerWithoutATokenGetsNothing() throws Exception {
        HttpResponse<byte[]> officer = http.send(request(ApiDocument.PATH, OFFICER).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<byte[]> auditor = http.send(request(ApiDocument.PATH, AUDITOR)
                .header("If-None-Match", officer.headers().firstValue("ETag").orElseThrow()).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<String> anonymous = send(HttpRequest.newBuilder(uri(ApiDocument.PATH)).build());

        assertThat(officer.statusCode()).isEqualTo(200);
        assertThat(officer.headers().firstValue("Content-Type")).hasValue(ApiDocument.MEDIA_TYPE);
        assertThat(officer.headers().firstValue("Cache-Control")).hasValue("private, no-cache");
        assertThat(officer.body()).isEqualTo(DOCUMENT.bytes());
        assertThat(auditor.statusCode()).isEqualTo(304);
        assertProblem(anonymous, 401, null);
        assertThat(anonymous.body()).doesNotContain("openapi");
        List<String> audited = new ArrayList<>();
        for (JsonNode e : auditEntries()) {
            audited.add(e.at("/event/action").asText() + " " + e.at("/event/outcome").asText() + " "
                    + Objects.toString(e.at("/event/role").textValue(), "without a role"));
        }
        assertThat(audited).containsExactly("READ_API_DOCUMENT ACCEPTED compliance-officer",
                "READ_API_DOCUMENT COMPLETED compliance-officer", "READ_API_DOCUMENT ACCEPTED auditor",
                "READ_API_DOCUMENT COMPLETED auditor", "READ_API_DOCUMENT REFUSED without a role");
    }

    /** A route's pattern as an OpenAPI path: its variable segments named as the document names them. */
    private static String template(List<String> pattern) {
        List<String> names = new ArrayList<>();
        int tileElements = 0;
        for (int i = 0; i < pattern.size(); i++) {
            String s = pattern.get(i);
            boolean inTile = i >= 5 && pattern.get(3).equals("tile");
            names.add(!s.equals("*") ? s : inTile ? "{t" + ++tileElements + "}" : switch (pattern.get(i - 1)) {
                case "cases" -> "{case}";
                case "requests" -> "{id}";
                case "subjects" -> "{customer}";
                case "tlog" -> "{day}";
                case "tile" -> "{level}";
                default -> throw new AssertionError("no name for the variable segment after " + pattern.get(i - 1));
            });
        }
        return "/" + String.join("/", names);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
