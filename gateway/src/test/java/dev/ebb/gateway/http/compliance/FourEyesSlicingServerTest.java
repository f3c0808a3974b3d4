package dev.ebb.gateway.http.compliance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ebb.metadata.EventType;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 9 item 7: four eyes cannot be bypassed by slicing. A number has 1,200 records, the threshold is 1,000: the
 * whole window needs a second officer, and so does the second of two adjacent slices (900 + 300), whoever asks it and
 * under whichever case, for as long as the first slice is within {@code fourEyesWindow}, across a restart.
 */
class FourEyesSlicingServerTest extends ComplianceApiTestBase {
    private static final String NUMBER = "+4790000001";
    /** The first 900 of the number's records, then the other 300. */
    private static final Instant SPLIT = Instant.parse("2025-03-10T09:00:09Z");
    private static final String FIRST_SLICE = "&from=2025-03-10&to=" + SPLIT;
    private static final String SECOND_SLICE = "&from=" + SPLIT + "&to=2025-03-11";

    @BeforeEach
    void twelveHundredRecords() throws Exception {
        for (int i = 0; i < 1_200; i++) {
            append("m" + i, "+4791000001", NUMBER, EventType.ACCEPTED);
        }
    }

    @Test
    void theWholeWindowNeedsASecondOfficer() throws Exception {
        assertFourEyesRequired(query(OFFICER, CASE, WINDOW));
    }

    @Test
    void theSecondOfTwoAdjacentSlicesNeedsASecondOfficer() throws Exception {
        HttpResponse<String> first = query(OFFICER, CASE, FIRST_SLICE);
        HttpResponse<String> second = query(OFFICER, CASE, SECOND_SLICE);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("X-Record-Count")).hasValue(String.valueOf(CAP));
        assertFourEyesRequired(second);
        List<JsonNode> entries = auditEntries();
        assertThat(entries.subList(2, 4)).extracting(e -> e.at("/event/outcome").asText())
                .containsExactly("ACCEPTED", "FAILED");
        assertThat(entries.get(3).at("/event/reason").asText()).contains("four-eyes threshold");
    }

    @Test
    void anotherOfficerUnderAnotherCaseCannotTakeTheOtherSliceEither() throws Exception {
        assertThat(query(OFFICER, CASE, FIRST_SLICE).statusCode()).isEqualTo(200);

        assertFourEyesRequired(query(SECOND_OFFICER, "CASE-2025-99", SECOND_SLICE));
    }

    @Test
    void anExportOrASubjectExportCountsLikeAQuery() throws Exception {
        HttpResponse<String> export = send(request("/v1/cases/" + CASE + "/export?msisdn=" + enc(NUMBER)
                + FIRST_SLICE, OFFICER).header("X-Legal-Basis", BASIS).GET().build());
        assertThat(export.statusCode()).isEqualTo(200);

        assertFourEyesRequired(send(request("/v1/subjects/demo/records?msisdn=" + enc(NUMBER) + SECOND_SLICE,
                OFFICER).header("X-Case-Reference", "DPA-7").header("X-Legal-Basis", "Art. 15 GDPR").GET().build()));
    }

    @Test
    void theSameSliceAgainDisclosesNothingNewAndIsAllowed() throws Exception {
        assertThat(query(OFFICER, CASE, FIRST_SLICE).statusCode()).isEqualTo(200);

        assertThat(query(SECOND_OFFICER, "CASE-2025-99", FIRST_SLICE).statusCode()).isEqualTo(200);
    }

    @Test
    void theFirstSliceIsRememberedAcrossARestart() throws Exception {
        assertThat(query(OFFICER, CASE, FIRST_SLICE).statusCode()).isEqualTo(200);

        restart();

        assertFourEyesRequired(query(OFFICER, CASE, SECOND_SLICE));
    }

    @Test
    void aSliceOlderThanTheFourEyesWindowNoLongerCounts() throws Exception {
        assertThat(query(OFFICER, CASE, FIRST_SLICE).statusCode()).isEqualTo(200);
        clock.advance(Duration.ofDays(30).minusMinutes(1));
        assertFourEyesRequired(query(OFFICER, CASE, SECOND_SLICE));

        clock.advance(Duration.ofMinutes(2));

        assertThat(query(OFFICER, CASE, SECOND_SLICE).statusCode()).isEqualTo(200);
    }

    @Test
    void aDisclosureRequestForTheOtherSliceWaitsForASecondOfficer() throws Exception {
        assertThat(query(OFFICER, CASE, FIRST_SLICE).statusCode()).isEqualTo(200);

        JsonNode created = json.readTree(send(request("/v1/requests", OFFICER).POST(HttpRequest.BodyPublishers.ofString(
                "{\"authorisation\":{\"reference\":\"" + CASE + "\",\"legalType\":\"" + BASIS + "\",\"timespan\":"
                        + "{\"start\":\"" + SPLIT + "\",\"end\":\"2025-03-11\"}},\"task\":{\"msisdn\":\"" + NUMBER
                        + "\"}}")).build()).body());

        assertThat(created.at("/task/expectedRecords").asLong()).isEqualTo(300);
        assertThat(created.at("/task/state").asText()).isEqualTo("AwaitingApproval");
    }

    @Test
    void twoSmallDisclosureRequestsDoNotSliceTheirWayPastFourEyes() throws Exception {
        JsonNode first = createRequest("2025-03-10", SPLIT.toString());
        JsonNode second = createRequest(SPLIT.toString(), "2025-03-11");

        assertThat(first.at("/task/state").asText()).isEqualTo("AwaitingDisclosure");
        assertThat(second.at("/task/state").asText()).isEqualTo("AwaitingApproval");
        // What a second officer approved is not one officer's disclosure: it leaves the count as it was.
        post(SECOND_OFFICER, "/v1/requests/" + second.get("id").asText() + "/approve");
        assertFourEyesRequired(query(OFFICER, CASE, SECOND_SLICE));
    }

    private JsonNode createRequest(String start, String end) throws Exception {
        return json.readTree(post(OFFICER, "/v1/requests", "{\"authorisation\":{\"reference\":\"" + CASE
                + "\",\"legalType\":\"" + BASIS + "\",\"timespan\":{\"start\":\"" + start + "\",\"end\":\"" + end
                + "\"}},\"task\":{\"msisdn\":\"" + NUMBER + "\"}}").body());
    }

    private HttpResponse<String> post(String token, String path) throws Exception {
        return post(token, path, "");
    }

    private HttpResponse<String> post(String token, String path, String body) throws Exception {
        return send(request(path, token).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private HttpResponse<String> query(String token, String caseReference, String window) throws Exception {
        return send(request("/v1/retention/records?msisdn=" + enc(NUMBER) + window, token)
                .header("X-Case-Reference", caseReference).header("X-Legal-Basis", BASIS).GET().build());
    }

    private void assertFourEyesRequired(HttpResponse<String> r) throws Exception {
        assertProblem(r, 403, null);
        assertThat(json.readTree(r.body()).get("type").asText()).isEqualTo("/problems/four-eyes-required");
    }
}
