package dev.ebb.gateway.http.compliance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ebb.gateway.compliance.DeliverySigner;
import dev.ebb.gateway.compliance.SignedJson;
import dev.ebb.metadata.EventType;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the compliance console needs of the API (issue 16), added to the API for every client, role-checked and
 * audited like the rest: the audit log filtered by case and by actor and paged, a request's own history from the
 * audit log, the caller's identity, and the key deliveries are verified with.
 */
class ConsoleApiServerTest extends ComplianceApiTestBase {
    /** Every request needs a second officer. */
    @Override
    int fourEyesThreshold() {
        return 0;
    }

    @Test
    void theAuditLogIsFilteredByCaseAndByActorAndPagedWithTheNextFrom() throws Exception {
        append("m1", "+4791000001", "+4790000001", EventType.ACCEPTED);
        String id = created(create(OFFICER, CASE)).get("id").asText();
        created(create(OFFICER, "OTHER-CASE"));
        send(post(SECOND_OFFICER, "/v1/requests/" + id + "/approve"));

        // Pages hold CAP = 3 entries: the case's four entries come in two, the summary naming where the next starts.
        List<JsonNode> first = lines(auditorGet("/v1/audit?case=" + enc(CASE)).body());
        long next = first.get(first.size() - 1).at("/summary/next").asLong();
        List<JsonNode> second = lines(auditorGet("/v1/audit?case=" + enc(CASE) + "&from=" + next).body());
        List<JsonNode> ofSecond = lines(auditorGet("/v1/audit?actor=officer-2").body());

        assertThat(entries(first)).extracting(e -> e.at("/event/action").asText() + " " + e.at("/event/outcome")
                .asText()).containsExactly("REQUEST_CREATE ACCEPTED", "REQUEST_CREATE COMPLETED",
                "REQUEST_APPROVE ACCEPTED");
        assertThat(entries(second)).extracting(e -> e.at("/event/action").asText() + " " + e.at("/event/outcome")
                .asText()).containsExactly("REQUEST_APPROVE COMPLETED");
        assertThat(second.get(second.size() - 1).at("/summary/next").isNull()).isTrue();
        assertThat(entries(first)).extracting(e -> e.at("/event/caseReference").asText()).containsOnly(CASE);
        assertThat(entries(second)).extracting(e -> e.at("/event/caseReference").asText()).containsOnly(CASE);
        assertThat(entries(ofSecond)).extracting(e -> e.at("/event/tokenId").asText()).containsOnly("officer-2")
                .hasSize(2);
        // The filtered read is audited with its filter, like every read of the log.
        JsonNode read = auditEntries().stream().filter(e -> e.at("/event/action").asText().equals("READ_AUDIT"))
                .findFirst().orElseThrow();
        assertThat(read.at("/event/criteria/case").asText()).isEqualTo(CASE);
        assertThat(read.at("/event/tokenId").asText()).isEqualTo("auditor-1");
    }

    @Test
    void anOfficerReadsARequestsHistoryWithTheRefusedSelfApprovalButNotTheAuditLog() throws Exception {
        append("m1", "+4791000001", "+4790000001", EventType.ACCEPTED);
        String id = created(create(OFFICER, CASE)).get("id").asText();
        send(post(OFFICER, "/v1/requests/" + id + "/approve"));
        send(post(SECOND_OFFICER, "/v1/requests/" + id + "/approve"));
        officerGet("/v1/requests/" + id);

        HttpResponse<String> history = officerGet("/v1/requests/" + id + "/history");
        HttpResponse<String> log = officerGet("/v1/audit");

        assertThat(history.statusCode()).isEqualTo(200);
        assertThat(history.headers().firstValue("Content-Type")).hasValue("application/json");
        List<String> steps = json.readTree(history.body()).findValues("event").stream().map(e -> e.get("action")
                .asText() + " " + e.get("outcome").asText() + " " + e.get("tokenId").asText()).toList();
        assertThat(steps).containsExactly("REQUEST_CREATE ACCEPTED officer-1", "REQUEST_CREATE COMPLETED officer-1",
                "REQUEST_APPROVE REFUSED officer-1", "REQUEST_APPROVE ACCEPTED officer-2",
                "REQUEST_APPROVE COMPLETED officer-2");
        assertThat(json.readTree(history.body()).get(2).at("/event/reason").asText()).contains("self-approval");
        assertProblem(log, 403, null);
        assertProblem(officerGet("/v1/requests/no-such-request/history"), 404, "request");
    }

    @Test
    void whoamiNamesTheTokenAndItsRoleAndNobodyWithoutOne() throws Exception {
        JsonNode officer = json.readTree(officerGet("/v1/whoami").body());
        JsonNode auditor = json.readTree(auditorGet("/v1/whoami").body());
        HttpResponse<String> anonymous = send(HttpRequest.newBuilder(uri("/v1/whoami")).build());

        assertThat(officer.get("tokenId").asText()).isEqualTo("officer-1");
        assertThat(officer.get("role").asText()).isEqualTo("compliance-officer");
        assertThat(auditor.get("role").asText()).isEqualTo("auditor");
        assertProblem(anonymous, 401, null);
        assertThat(auditEntries()).extracting(e -> e.at("/event/action").asText() + " " + e.at("/event/outcome")
                .asText()).containsExactly("READ_OWN_TOKEN ACCEPTED", "READ_OWN_TOKEN COMPLETED",
                "READ_OWN_TOKEN ACCEPTED", "READ_OWN_TOKEN COMPLETED", "READ_OWN_TOKEN REFUSED");
    }

    @Test
    void theDeliveryKeyServedVerifiesADeliveryAndIsTheSignersKey() throws Exception {
        append("m1", "+4791000001", "+4790000001", EventType.ACCEPTED);
        String id = created(create(OFFICER, CASE)).get("id").asText();
        send(post(SECOND_OFFICER, "/v1/requests/" + id + "/approve"));
        JsonNode delivery = json.readTree(officerGet("/v1/requests/" + id + "/delivery").body());

        JsonNode served = json.readTree(auditorGet("/v1/keys/delivery").body());
        PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(Base64.getDecoder()
                .decode(served.get("publicKey").asText())));

        assertThat(served.get("algorithm").asText()).isEqualTo("Ed25519");
        assertThat(key).isEqualTo(DeliverySigner.inDataDir(dir).publicKey());
        assertThat(SignedJson.verifies(delivery, key)).isTrue();
        assertThat(served.get("sha256").asText()).hasSize(64);
        assertProblem(send(HttpRequest.newBuilder(uri("/v1/keys/delivery")).build()), 401, null);
    }

    private static List<JsonNode> entries(List<JsonNode> lines) {
        return lines.stream().filter(n -> !n.has("summary")).toList();
    }

    private HttpResponse<String> auditorGet(String path) throws Exception {
        HttpResponse<String> r = send(request(path, AUDITOR).GET().build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r;
    }

    private HttpResponse<String> create(String token, String caseReference) throws Exception {
        return send(request("/v1/requests", token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"authorisation\":{\"reference\":\"" + caseReference
                        + "\",\"legalType\":\"" + BASIS + "\",\"timespan\":{\"start\":\"2025-03-10\","
                        + "\"end\":\"2025-03-11\"}},\"task\":{\"msisdn\":\"+4790000001\"}}")).build());
    }

    private JsonNode created(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return json.readTree(r.body());
    }

    private HttpRequest post(String token, String path) {
        return request(path, token).POST(HttpRequest.BodyPublishers.noBody()).build();
    }
}
