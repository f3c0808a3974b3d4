package dev.ebb.gateway.http.compliance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ebb.gateway.compliance.DeliverySigner;
import dev.ebb.gateway.compliance.SignedJson;
import dev.ebb.metadata.EventType;
import dev.ebb.metadata.InclusionProof;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The disclosure request workflow over real sockets (issue 5): ETSI TS 103 120 shaped requests, four eyes above the
 * threshold, TS 102 657 shaped signed deliveries, and every step audited.
 */
class DisclosureRequestServerTest extends ComplianceApiTestBase {
    /** Two records may be disclosed on one officer's word; three need a second. */
    private static final int THRESHOLD = 2;

    @Override
    int fourEyesThreshold() {
        return THRESHOLD;
    }

    @Test
    void aRequestUnderTheThresholdIsDeliveredSignedAndThenDisclosed() throws Exception {
        append("m1", "+4791000001", "+4790000001", EventType.ACCEPTED);
        append("m1", "+4791000001", "+4790000001", EventType.DELIVERED);
        append("m2", "+4791000002", "+4790000002", EventType.ACCEPTED);

        JsonNode created = created(create(OFFICER, "{\"msisdn\":\"+4790000001\"}"));
        assertThat(created.at("/task/state").asText()).isEqualTo("AwaitingDisclosure");
        assertThat(created.at("/authorisation/approvalRequired").asBoolean()).isFalse();
        assertThat(created.at("/task/expectedRecords").asLong()).isEqualTo(2);
        // The timespan asked for ends tomorrow: the request covers what existed when it was opened, so traffic
        // arriving later is neither counted for four eyes nor delivered.
        assertThat(created.at("/authorisation/timespan/end").asText()).isEqualTo(clock.instant().toString());
        append("m3", "+4791000003", "+4790000001", EventType.ACCEPTED);

        HttpResponse<String> r = post(OFFICER, "/v1/requests/" + created.get("id").asText() + "/delivery", null);
        assertThat(r.statusCode()).isEqualTo(405);
        JsonNode d = json.readTree(deliver(OFFICER, created.get("id").asText(), null).body());

        assertThat(d.at("/header/requestId").asText()).isEqualTo(created.get("id").asText());
        assertThat(d.at("/header/cspId").asText()).isEqualTo("ebb-test");
        assertThat(d.at("/header/caseReference").asText()).isEqualTo(CASE);
        assertThat(d.at("/header/lastPage").asBoolean()).isTrue();
        JsonNode records = d.at("/payload/records");
        assertThat(records).hasSize(2);
        assertThat(records.get(0).at("/smsOriginator/address").asText()).isEqualTo("+4791000001");
        assertThat(records.get(0).at("/smsRecipient/address").asText()).isEqualTo("+4790000001");
        assertThat(records).extracting(n -> n.get("eventType").asText()).containsExactly("ACCEPTED", "DELIVERED");
        assertThat(SignedJson.verifies(d, DeliverySigner.inDataDir(dir).publicKey())).isTrue();
        assertThat(state(created)).isEqualTo("Disclosed");

        // Disclosed means done: a second copy needs a new request, audited as such.
        assertProblem(deliver(OFFICER, created.get("id").asText(), null), 409, null);
    }

    @Test
    void aChangedRecordOrHeaderBreaksTheDeliverySignature() throws Exception {
        append("m1", "+4791000001", "+4790000001", EventType.ACCEPTED);
        JsonNode created = created(create(OFFICER, "{\"msisdn\":\"+4790000001\"}"));
        JsonNode d = json.readTree(deliver(OFFICER, created.get("id").asText(), null).body());
        var key = DeliverySigner.inDataDir(dir).publicKey();

        ObjectNode changedRecord = d.deepCopy();
        ((ObjectNode) changedRecord.at("/payload/records/0/smsRecipient")).put("address", "+4790000009");
        ObjectNode changedHeader = d.deepCopy();
        ((ObjectNode) changedHeader.get("header")).put("caseReference", "ANOTHER-CASE");

        assertThat(SignedJson.verifies(d, key)).isTrue();
        assertThat(SignedJson.verifies(changedRecord, key)).isFalse();
        assertThat(SignedJson.verifies(changedHeader, key)).isFalse();
    }

    @Test
    void overTheThresholdASecondOfficerMustApproveAndSelfApprovalIsRefused() throws Exception {
        for (int i = 1; i <= 4; i++) {
            append("m" + i, "+4791000001", "+4790000001", EventType.ACCEPTED);
        }
        JsonNode created = created(create(OFFICER, "{\"msisdn\":\"+4790000001\",\"role\":\"destination\"}"));
        String id = created.get("id").asText();
        assertThat(created.at("/task/state").asText()).isEqualTo("AwaitingApproval");
        assertThat(created.at("/authorisation/approvalRequired").asBoolean()).isTrue();

        assertProblem(deliver(OFFICER, id, null), 409, null);
        HttpResponse<String> self = post(OFFICER, "/v1/requests/" + id + "/approve", null);
        assertProblem(self, 403, null);
        assertThat(json.readTree(self.body()).get("detail").asText()).contains("self-approval");
        assertThat(lastAudit().get("outcome").asText()).isEqualTo("REFUSED");

        HttpResponse<String> approved = post(SECOND_OFFICER, "/v1/requests/" + id + "/approve", null);
        assertThat(approved.statusCode()).isEqualTo(200);
        assertThat(json.readTree(approved.body()).at("/authorisation/approvedBy").asText()).isEqualTo("officer-2");
        assertProblem(post(SECOND_OFFICER, "/v1/requests/" + id + "/approve", null), 409, null);

        // Four records, pages of CAP = 3: two signed pages, the second the last. A lost page may be fetched again
        // without counting twice; a token that is not the one handed out is refused.
        JsonNode first = json.readTree(deliver(OFFICER, id, null).body());
        assertThat(first.at("/header/recordCount").asInt()).isEqualTo(3);
        assertThat(first.at("/header/lastPage").asBoolean()).isFalse();
        JsonNode again = json.readTree(deliver(OFFICER, id, null).body());
        assertThat(again.at("/header/page").asInt()).isEqualTo(1);
        assertThat(again.at("/payload")).isEqualTo(first.at("/payload"));
        assertProblem(deliver(OFFICER, id, "AAAAAAAAAAAAAAAAAAAAAAAA"), 400, "continuation");
        assertThat(state(created)).isEqualTo("AwaitingDisclosure");
        JsonNode second = json.readTree(deliver(OFFICER, id, first.at("/header/continuation").asText()).body());
        assertThat(second.at("/header/page").asInt()).isEqualTo(2);
        assertThat(second.at("/payload/records/0/messageId").asText()).isEqualTo("m4");
        assertThat(second.at("/header/lastPage").asBoolean()).isTrue();
        JsonNode done = json.readTree(officerGet("/v1/requests/" + id).body());
        assertThat(done.at("/task/state").asText()).isEqualTo("Disclosed");
        assertThat(done.at("/task/disclosedRecords").asLong()).isEqualTo(4);
    }

    @Test
    void anApprovedRequestIsExportedWithAnInclusionProofPerRecordAndAPendingOneIsNot() throws Exception {
        for (int i = 1; i <= 4; i++) {
            append("m" + i, "+4791000001", "+4790000001", EventType.ACCEPTED);
        }
        String id = created(create(OFFICER, "{\"msisdn\":\"+4790000001\"}")).get("id").asText();
        assertProblem(send(request("/v1/requests/" + id + "/export", OFFICER).GET().build()), 409, null);
        post(SECOND_OFFICER, "/v1/requests/" + id + "/approve", null);

        JsonNode first = json.readTree(send(request("/v1/requests/" + id + "/export", OFFICER).GET().build()).body());
        JsonNode second = json.readTree(send(request("/v1/requests/" + id + "/export?continuation="
                + enc(first.get("continuation").asText()), OFFICER).GET().build()).body());

        assertThat(first.get("caseReference").asText()).isEqualTo(CASE);
        assertThat(first.get("records")).extracting(n -> n.get("messageId").asText()).containsExactly("m1", "m2", "m3");
        assertThat(second.get("records")).extracting(n -> n.get("messageId").asText()).containsExactly("m4");
        for (JsonNode p : first.get("proofs")) {
            assertThat(InclusionProof.verify(proof(p), store.publicKey())).isTrue();
        }
        assertThat(SignedJson.verifies(first, DeliverySigner.inDataDir(dir).publicKey())).isTrue();
        assertThat(json.readTree(officerGet("/v1/requests/" + id).body()).at("/task/state").asText())
                .as("an export does not move the request on").isEqualTo("AwaitingDisclosure");
    }

    @Test
    void aRejectedRequestIsNeverDeliveredAndACancelledOneNeither() throws Exception {
        for (int i = 1; i <= 3; i++) {
            append("m" + i, "+4791000001", "+4790000001", EventType.ACCEPTED);
        }
        String rejected = created(create(OFFICER, "{\"msisdn\":\"+4790000001\"}")).get("id").asText();
        assertProblem(post(OFFICER, "/v1/requests/" + rejected + "/reject", null), 403, null);
        assertThat(post(SECOND_OFFICER, "/v1/requests/" + rejected + "/reject", null).statusCode()).isEqualTo(200);
        assertProblem(post(SECOND_OFFICER, "/v1/requests/" + rejected + "/approve", null), 409, null);
        assertProblem(deliver(OFFICER, rejected, null), 409, null);

        String cancelled = created(create(OFFICER, "{\"messageId\":\"m1\"}")).get("id").asText();
        HttpResponse<String> c = post(OFFICER, "/v1/requests/" + cancelled + "/cancel", null);
        assertThat(json.readTree(c.body()).at("/task/state").asText()).isEqualTo("Cancelled");
        assertProblem(deliver(OFFICER, cancelled, null), 409, null);
        assertProblem(post(OFFICER, "/v1/requests/" + cancelled + "/cancel", null), 409, null);

        JsonNode list = json.readTree(officerGet("/v1/requests?state=Rejected").body());
        assertThat(list).extracting(n -> n.get("id").asText()).containsExactly(rejected);
    }

    @Test
    void aDirectQueryOverTheThresholdIsRefusedAndPointsToARequest() throws Exception {
        for (int i = 1; i <= 3; i++) {
            append("m" + i, "+4791000001", "+4790000001", EventType.ACCEPTED);
        }

        HttpResponse<String> r = officerGet("/v1/retention/records?msisdn=" + enc("+4790000001") + WINDOW);

        assertProblem(r, 403, null);
        assertThat(json.readTree(r.body()).get("type").asText()).isEqualTo("/problems/four-eyes-required");
        assertThat(json.readTree(r.body()).get("detail").asText()).contains("/v1/requests");
        List<JsonNode> entries = auditEntries();
        assertThat(entries).extracting(e -> e.at("/event/outcome").asText()).containsExactly("ACCEPTED", "FAILED");
        assertThat(entries.get(1).at("/event/recordsDisclosed").asLong()).isZero();
    }

    @Test
    void aContinuationTokenDoesNotLetADirectQueryPastFourEyes() throws Exception {
        for (int i = 1; i <= 4; i++) {
            append("m" + i, "+4791000001", "+4790000001", EventType.ACCEPTED);
        }
        String id = created(create(OFFICER, "{\"msisdn\":\"+4790000001\"}")).get("id").asText();
        post(SECOND_OFFICER, "/v1/requests/" + id + "/approve", null);
        String token = json.readTree(deliver(OFFICER, id, null).body()).at("/header/continuation").asText();

        // A request's tokens are bound to the request: a direct query cannot continue with one at all.
        HttpResponse<String> r = officerGet("/v1/retention/records?msisdn=" + enc("+4790000001")
                + "&continuation=" + enc(token));

        assertProblem(r, 400, "continuation");
    }

    @Test
    void malformedPercentEncodingAndImpossibleInstantsAre400AndAudited() throws Exception {
        String[] path = rawOfficerGet("/v1/requests/%zz");
        String[] query = rawOfficerGet("/v1/retention/records?msisdn=%2" + WINDOW);
        assertThat(path[0]).isEqualTo("400");
        assertThat(json.readTree(path[1]).get("field").asText()).isEqualTo("path");
        assertThat(query[0]).isEqualTo("400");
        assertThat(json.readTree(query[1]).get("field").asText()).isEqualTo("query");
        assertProblem(officerGet("/v1/retention/records?messageId=m1&to=-1000000000-01-01T00:00:00Z"), 400, "to");
        assertProblem(officerGet("/v1/retention/records?messageId=m1&from=+999999999-06-01T00:00:00Z"), 400,
                "from");

        assertThat(auditEntries()).extracting(e -> e.at("/event/outcome").asText())
                .containsExactly("REFUSED", "REFUSED", "REFUSED", "REFUSED");
    }

    @Test
    void badRequestBodiesAre400NamingTheMemberAndAudited() throws Exception {
        assertProblem(create(OFFICER, "{\"msisdn\":\"+4790000001\",\"sms\":\"x\"}"), 400, "task.sms");
        assertProblem(post(OFFICER, "/v1/requests", "{\"authorisation\":{\"reference\":\"" + CASE + "\","
                + "\"legalType\":\"" + BASIS + "\",\"timespan\":{\"start\":\"2025-03-10\"}},"
                + "\"task\":{\"msisdn\":\"+4790000001\"}}"), 400, "timespan.end");
        assertProblem(post(OFFICER, "/v1/requests", "not json"), 400, "body");
        assertProblem(create(OFFICER, "{\"msisdn\":\"47-abc\"}"), 400, "msisdn");

        List<JsonNode> entries = auditEntries();
        assertThat(entries).hasSize(4);
        assertThat(entries).allSatisfy(e -> {
            assertThat(e.at("/event/outcome").asText()).isEqualTo("REFUSED");
            assertThat(e.at("/event/action").asText()).isEqualTo("REQUEST_CREATE");
            assertThat(e.at("/event/tokenId").asText()).isEqualTo("officer-1");
        });
    }

    @Test
    void anUnknownRequestIs404AndAnAuditorMayReadButNotApprove() throws Exception {
        assertProblem(officerGet("/v1/requests/no-such-id"), 404, "request");

        append("m1", "+4791000001", "+4790000001", EventType.ACCEPTED);
        String id = created(create(OFFICER, "{\"messageId\":\"m1\"}")).get("id").asText();
        HttpResponse<String> read = send(request("/v1/requests/" + id, AUDITOR).GET().build());
        assertThat(read.statusCode()).isEqualTo(200);
        assertProblem(post(AUDITOR, "/v1/requests/" + id + "/cancel", null), 403, null);
        assertProblem(post(AUDITOR, "/v1/requests", "{}"), 403, null);
    }

    @Test
    void noDeliveryOrAuditEntryHoldsContent() throws Exception {
        append("m1", "+4791000001", "+4790000001", EventType.ACCEPTED);
        String id = created(create(OFFICER, "{\"messageId\":\"m1\"}")).get("id").asText();

        String delivery = deliver(OFFICER, id, null).body();

        // The store holds no text, so no marker of it can appear; what must not appear is any field that would carry it.
        assertThat(delivery).doesNotContain("shortMessage").doesNotContain("\"text\"").doesNotContain("content");
        assertThat(Files.readString(dir.resolve("audit/audit.log"))).doesNotContain("shortMessage");
    }

    private HttpResponse<String> create(String token, String task) throws Exception {
        return post(token, "/v1/requests", "{\"authorisation\":{\"reference\":\"" + CASE + "\",\"legalType\":\""
                + BASIS + "\",\"timespan\":{\"start\":\"2025-03-10\",\"end\":\"2025-03-11\"}},\"task\":" + task + "}");
    }

    private JsonNode created(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode n = json.readTree(r.body());
        assertThat(r.headers().firstValue("Location")).hasValue("/v1/requests/" + n.get("id").asText());
        return n;
    }

    private HttpResponse<String> deliver(String token, String id, String continuation) throws Exception {
        return send(request("/v1/requests/" + id + "/delivery"
                + (continuation == null ? "" : "?continuation=" + enc(continuation)), token).GET().build());
    }

    private HttpResponse<String> post(String token, String path, String body) throws Exception {
        return send(request(path, token).header("Content-Type", "application/json")
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    private String state(JsonNode created) throws Exception {
        return json.readTree(officerGet("/v1/requests/" + created.get("id").asText()).body()).at("/task/state")
                .asText();
    }

    private JsonNode lastAudit() throws Exception {
        List<JsonNode> entries = auditEntries();
        return entries.get(entries.size() - 1).get("event");
    }
}
