package dev.ebb.gateway.http.compliance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ebb.metadata.EventType;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Four eyes counts every number a disclosure reveals, whatever it selects by: one officer asking message id by
 * message id for a number's 400 messages (4 records each, 1,600 records, threshold 1,000) gets the number's first
 * 1,000 records and is then refused exactly as a query for the whole number is, before and after a restart; and a
 * query for one party's number counts against the other party's.
 */
class FourEyesPerNumberServerTest extends ComplianceApiTestBase {
    private static final String NUMBER = "+4790002400";
    private static final String SENDER = "+4791000001";
    private static final int MESSAGES = 400;
    private static final List<EventType> STEPS = List.of(EventType.ACCEPTED, EventType.ROUTED, EventType.SUBMITTED,
            EventType.DELIVERED);
    /** When each message's first record was written. */
    private final List<Instant> firstRecordOf = new ArrayList<>();

    @BeforeEach
    void fourHundredMessagesOfFourRecords() throws Exception {
        for (int i = 0; i < MESSAGES; i++) {
            firstRecordOf.add(clock.instant());
            for (EventType step : STEPS) {
                append("m" + i, SENDER, NUMBER, step);
            }
        }
    }

    @Test
    void messageIdQueriesCountAgainstTheNumberInTheirRecordsAcrossARestart() throws Exception {
        int allowed = fourEyesThreshold() / STEPS.size();
        for (int i = 0; i < allowed; i++) {
            HttpResponse<String> r = byMessageId(i);
            assertThat(r.statusCode()).as("message %d", i).isEqualTo(200);
            // A page of CAP records; what counts is all the message's records, fetched or not.
            assertThat(recordLines(r.body())).isNotEmpty().allSatisfy(n ->
                    assertThat(n.get("destination").asText()).isEqualTo(NUMBER));
        }

        HttpResponse<String> next = byMessageId(allowed);

        assertFourEyesRequired(next);
        assertThat(reasonOfLastEntry()).contains("four-eyes threshold").doesNotContain(NUMBER);
        // The number's count is one total: a query for it discloses nothing more either ...
        assertFourEyesRequired(byNumber(firstRecordOf.get(allowed), firstRecordOf.get(allowed + 1)));
        // ... except what was already disclosed, which adds nothing.
        assertThat(byNumber(firstRecordOf.get(0), firstRecordOf.get(1)).statusCode()).isEqualTo(200);

        restart();

        assertFourEyesRequired(byMessageId(allowed + 1));
        assertThat(byMessageId(0).statusCode()).isEqualTo(200);
    }

    @Test
    void aQueryForOnePartysNumberCountsAgainstTheOtherPartys() throws Exception {
        Instant half = firstRecordOf.get(MESSAGES / 2);
        // 800 records of the sender, and so of the number it sent them to.
        assertThat(query("msisdn=" + enc(SENDER) + "&from=2025-03-10&to=" + half).statusCode()).isEqualTo(200);

        assertFourEyesRequired(query("msisdn=" + enc(NUMBER) + "&from=" + half + "&to=2025-03-11"));
    }

    private HttpResponse<String> byMessageId(int i) throws Exception {
        return query("messageId=m" + i);
    }

    private HttpResponse<String> byNumber(Instant from, Instant to) throws Exception {
        return query("msisdn=" + enc(NUMBER) + "&from=" + from + "&to=" + to);
    }

    private HttpResponse<String> query(String selector) throws Exception {
        return officerGet("/v1/retention/records?" + selector);
    }

    private String reasonOfLastEntry() throws Exception {
        List<JsonNode> entries = auditEntries();
        return entries.get(entries.size() - 1).at("/event/reason").asText();
    }

    private void assertFourEyesRequired(HttpResponse<String> r) throws Exception {
        assertProblem(r, 403, null);
        assertThat(json.readTree(r.body()).get("type").asText()).isEqualTo("/problems/four-eyes-required");
    }
}
