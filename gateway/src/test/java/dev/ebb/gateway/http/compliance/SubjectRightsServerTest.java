package dev.ebb.gateway.http.compliance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ebb.metadata.EventType;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Data-subject rights on a controller's instruction, over real sockets (issue 5). */
class SubjectRightsServerTest extends ComplianceApiTestBase {
    private static final String SUBJECT = "+4790000001";

    @Test
    void anExportForACustomersNumberHoldsThatCustomersRecordsOnly() throws Exception {
        append("demo", "m1", "+4791000001", SUBJECT, EventType.ACCEPTED);
        append("other", "m2", "+4791000002", SUBJECT, EventType.ACCEPTED);
        append("demo", "m3", SUBJECT, "+4790000003", EventType.ACCEPTED);
        append("demo", "m4", "+4791000001", "+4790000004", EventType.ACCEPTED);

        HttpResponse<String> r = officerGet("/v1/subjects/demo/records?msisdn=" + enc(SUBJECT) + WINDOW);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(recordLines(r.body())).extracting(n -> n.get("messageId").asText()).containsExactly("m1", "m3");
        JsonNode completed = auditEntries().get(1).get("event");
        assertThat(completed.get("action").asText()).isEqualTo("SUBJECT_ACCESS");
        assertThat(completed.get("recordsDisclosed").asLong()).isEqualTo(2);
        assertThat(completed.at("/criteria/customer").asText()).isEqualTo("demo");
    }

    @Test
    void anExportNeedsTheNumberAndTakesNoOtherSelector() throws Exception {
        assertProblem(officerGet("/v1/subjects/demo/records?" + WINDOW.substring(1)), 400, "msisdn");
        assertProblem(officerGet("/v1/subjects/demo/records?msisdn=" + enc(SUBJECT) + "&customer=other" + WINDOW),
                400, "customer");

        assertThat(auditEntries()).extracting(e -> e.at("/event/outcome").asText())
                .containsExactly("REFUSED", "REFUSED");
    }

    @Test
    void erasureOfRetainedTrafficDataIsRefusedWithTheReasonAndAudited() throws Exception {
        append("demo", "m1", "+4791000001", SUBJECT, EventType.ACCEPTED);

        HttpResponse<String> r = send(request("/v1/subjects/demo/records?msisdn=" + enc(SUBJECT), OFFICER)
                .header("X-Case-Reference", "DSR-88").header("X-Legal-Basis", "GDPR Art. 17 via controller")
                .DELETE().build());

        assertProblem(r, 409, null);
        assertThat(json.readTree(r.body()).get("detail").asText()).contains("cannot be erased before its term")
                .contains("12 months");
        JsonNode entry = auditEntries().get(0).get("event");
        assertThat(entry.get("action").asText()).isEqualTo("SUBJECT_ERASE");
        assertThat(entry.get("outcome").asText()).isEqualTo("REFUSED");
        assertThat(recordLines(officerGet("/v1/retention/records?msisdn=" + enc(SUBJECT) + WINDOW).body()))
                .hasSize(1);
    }

    @Test
    void aRestrictionIsRecordedAndListedWithWhatItCannotChange() throws Exception {
        HttpResponse<String> r = postRestriction("{\"msisdn\":\"" + SUBJECT + "\",\"kind\":\"objection\"}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode recorded = json.readTree(r.body());
        assertThat(recorded.get("kind").asText()).isEqualTo("objection");
        assertThat(recorded.get("instruction").asText()).isEqualTo(CASE);
        assertThat(recorded.get("retention").asText()).contains("not erased before its term");

        List<JsonNode> listed = list(send(request("/v1/subjects/demo/restrictions?msisdn=" + enc(SUBJECT), AUDITOR)
                .GET().build()));
        assertThat(listed).extracting(n -> n.get("id").asText()).containsExactly(recorded.get("id").asText());
        assertThat(list(send(request("/v1/subjects/other/restrictions", AUDITOR).GET().build()))).isEmpty();
        assertThat(list(send(request("/v1/subjects/demo/restrictions?msisdn=%2B4790000002", AUDITOR).GET()
                .build()))).isEmpty();
    }

    @Test
    void aRestrictionOfAnUnknownKindOrWithoutANumberIs400() throws Exception {
        assertProblem(postRestriction("{\"msisdn\":\"" + SUBJECT + "\",\"kind\":\"erase\"}"), 400, "kind");
        assertProblem(postRestriction("{\"kind\":\"restriction\"}"), 400, "msisdn");
        assertProblem(postRestriction("{\"msisdn\":\"" + SUBJECT + "\",\"kind\":\"restriction\",\"why\":\"x\"}"),
                400, "body.why");
        assertThat(auditEntries()).hasSize(3);
    }

    @Test
    void anAuditorMayNotExportASubjectsRecords() throws Exception {
        assertProblem(send(request("/v1/subjects/demo/records?msisdn=" + enc(SUBJECT) + WINDOW, AUDITOR)
                .header("X-Case-Reference", CASE).header("X-Legal-Basis", BASIS).GET().build()), 403, null);
    }

    private HttpResponse<String> postRestriction(String body) throws Exception {
        return send(request("/v1/subjects/demo/restrictions", OFFICER).header("X-Case-Reference", CASE)
                .header("X-Legal-Basis", "GDPR Art. 21 via controller")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private List<JsonNode> list(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        json.readTree(r.body()).forEach(out::add);
        return out;
    }
}
