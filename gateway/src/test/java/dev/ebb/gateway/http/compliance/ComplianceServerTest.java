package dev.ebb.gateway.http.compliance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ebb.gateway.compliance.DeliverySigner;
import dev.ebb.gateway.compliance.SignedJson;
import dev.ebb.metadata.EventType;
import dev.ebb.metadata.InclusionProof;
import dev.ebb.metadata.TrafficRecord;
import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The compliance API end to end: queries, exports, audit, refusals. */
class ComplianceServerTest extends ComplianceApiTestBase {
    @Test
    void recordsAreFoundByMsisdnInTimeOrder() throws Exception {
        TrafficRecord a = append("m1", "+4791000001", "+4790000001", EventType.ACCEPTED);
        append("m2", "+4791000002", "+4790000002", EventType.ACCEPTED);
        TrafficRecord c = append("m3", "+4790000001", "+4790000003", EventType.ACCEPTED);

        HttpResponse<String> r = officerGet("/v1/retention/records?msisdn=" + enc("+4790000001") + WINDOW);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/x-ndjson");
        List<JsonNode> lines = lines(r.body());
        assertThat(lines).hasSize(3);
        assertThat(lines.subList(0, 2)).extracting(n -> n.get("messageId").asText()).containsExactly("m1", "m3");
        assertThat(lines.get(0).get("destination").asText()).isEqualTo(a.destination());
        assertThat(lines.get(1).get("source").asText()).isEqualTo(c.source().value());
        assertThat(lines.get(2).get("summary").get("records").asInt()).isEqualTo(2);
    }

    @Test
    void recordsStreamInChunksAsTheClientReads() throws Exception {
        append("m1", "+4791000001", "+4790000001", EventType.ACCEPTED);

        String[] r = rawOfficerGet("/v1/retention/records?msisdn=" + enc("+4790000001") + WINDOW);

        assertThat(r[0]).isEqualTo("200");
        assertThat(r[2].toLowerCase(Locale.ROOT)).contains("transfer-encoding: chunked")
                .doesNotContain("content-length");
        assertThat(r[1]).contains("\"messageId\":\"m1\"").contains("\"summary\"").endsWith("0\r\n\r\n");
    }

    @Test
    void aRoleRestrictsTheMsisdnToOneSide() throws Exception {
        append("m1", "+4791000001", "+4790000001", EventType.ACCEPTED);
        append("m3", "+4790000001", "+4790000003", EventType.ACCEPTED);

        HttpResponse<String> r = officerGet("/v1/retention/records?msisdn=" + enc("+4790000001") + "&role=source"
                + WINDOW);

        assertThat(recordLines(r.body())).extracting(n -> n.get("messageId").asText()).containsExactly("m3");
    }

    @Test
    void recordsAreFoundByMessageId() throws Exception {
        append("m1", "+4791000001", "+4790000001", EventType.ACCEPTED);
        append("m2", "+4791000001", "+4790000002", EventType.ACCEPTED);
        append("m1", "+4791000001", "+4790000001", EventType.DELIVERED);

        HttpResponse<String> r = officerGet("/v1/retention/records?messageId=m1" + WINDOW);

        assertThat(recordLines(r.body())).extracting(n -> n.get("eventType").asText())
                .containsExactly("ACCEPTED", "DELIVERED");
    }

    @Test
    void csvIsServedWhenAskedFor() throws Exception {
        append("m1", "+4791000001", "+4790000001", EventType.ACCEPTED);

        HttpResponse<String> r = send(request("/v1/retention/records?messageId=m1" + WINDOW, OFFICER)
                .header("X-Case-Reference", CASE).header("X-Legal-Basis", BASIS).header("Accept", "text/csv").GET()
                .build());

        assertThat(r.headers().firstValue("content-type")).hasValue("text/csv; charset=utf-8");
        String[] rows = r.body().split("\r\n");
        assertThat(rows).hasSize(2);
        assertThat(rows[0]).startsWith("day,sequence,eventType,eventTime,messageId");
        assertThat(rows[1]).startsWith("2025-03-10,0,ACCEPTED,2025-03-10T09:00:00Z,m1");
    }

    @Test
    void anAcceptedQueryLeavesOneAuditEntryAndItsCompletion() throws Exception {
        append("m1", "+4791000001", "+4790000001", EventType.ACCEPTED);

        HttpResponse<String> r = officerGet("/v1/retention/records?msisdn=" + enc("+4790000001") + WINDOW);

        List<JsonNode> entries = auditEntries();
        assertThat(entries).hasSize(2);
        JsonNode before = entries.get(0).get("event");
        assertThat(before.get("outcome").asText()).isEqualTo("ACCEPTED");
        assertThat(before.get("requestId").asText()).isEqualTo(r.headers().firstValue("X-Request-Id").orElseThrow());
        assertThat(before.get("tokenId").asText()).isEqualTo("officer-1");
        assertThat(before.get("caseReference").asText()).isEqualTo(CASE);
        assertThat(before.get("legalBasis").asText()).isEqualTo(BASIS);
        assertThat(before.get("clientAddress").asText()).isEqualTo("127.0.0.1");
        assertThat(before.get("criteria").get("msisdn").asText()).isEqualTo("+4790000001");
        JsonNode after = entries.get(1).get("event");
        assertThat(after.get("outcome").asText()).isEqualTo("COMPLETED");
        assertThat(after.get("recordsDisclosed").asLong()).isEqualTo(1);
    }

    @Test
    void aRefusedQueryLeavesExactlyOneAuditEntry() throws Exception {
        send(request("/v1/retention/records?msisdn=" + enc("+4790000001") + WINDOW, OFFICER)
                .header("X-Legal-Basis", BASIS).GET().build());

        List<JsonNode> entries = auditEntries();
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).get("event").get("outcome").asText()).isEqualTo("REFUSED");
    }

    @Test
    void anUnknownOrRepeatedParameterIs400NamingItAndAudited() throws Exception {
        assertProblem(officerGet("/v1/retention/records?msisdn=" + enc("+4790000001") + "&text=x" + WINDOW), 400,
                "text");
        assertProblem(officerGet("/v1/retention/records?messageId=m1&messageId=m2" + WINDOW), 400, "messageId");

        List<JsonNode> entries = auditEntries();
        assertThat(entries).extracting(e -> e.at("/event/outcome").asText()).containsExactly("REFUSED", "REFUSED");
        assertThat(entries.get(0).at("/event/reason").asText()).isEqualTo("text: unknown parameter text");
        assertThat(entries.get(0).at("/event/tokenId").asText()).isEqualTo("officer-1");
    }

    @Test
    void aMissingCaseReferenceIs400NamingTheHeader() throws Exception {
        HttpResponse<String> r = send(request("/v1/retention/records?msisdn=" + enc("+4790000001") + WINDOW, OFFICER)
                .header("X-Legal-Basis", BASIS).GET().build());

        assertProblem(r, 400, "X-Case-Reference");
    }

    @Test
    void aMissingLegalBasisIs400NamingTheHeader() throws Exception {
        HttpResponse<String> r = send(request("/v1/retention/records?msisdn=" + enc("+4790000001") + WINDOW, OFFICER)
                .header("X-Case-Reference", CASE).GET().build());

        assertProblem(r, 400, "X-Legal-Basis");
    }

    @Test
    void anUnparseableMsisdnIs400NamingTheField() throws Exception {
        HttpResponse<String> r = officerGet("/v1/retention/records?msisdn=47-abc-90" + WINDOW);

        assertProblem(r, 400, "msisdn");
    }

    @Test
    void anInvertedWindowIs400() throws Exception {
        HttpResponse<String> r = officerGet("/v1/retention/records?messageId=m1&from=2025-03-11&to=2025-03-10");

        assertProblem(r, 400, "to");
    }

    @Test
    void aWindowBeforeRetentionIs400NamingFrom() throws Exception {
        HttpResponse<String> r = officerGet("/v1/retention/records?messageId=m1&from=2024-01-01&to=2024-02-01");

        assertProblem(r, 400, "from");
    }

    @Test
    void noTokenIs401AndAudited() throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/v1/retention/records?messageId=m1" + WINDOW))
                .header("X-Case-Reference", CASE).header("X-Legal-Basis", BASIS).GET().build());

        assertProblem(r, 401, null);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        List<JsonNode> entries = auditEntries();
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).get("event").get("reason").asText()).isEqualTo("no bearer token");
    }

    @Test
    void theCustomersSmppPasswordIsNoTokenHere() throws Exception {
        HttpResponse<String> r = send(request("/v1/retention/records?messageId=m1" + WINDOW, CUSTOMER_PASSWORD)
                .header("X-Case-Reference", CASE).header("X-Legal-Basis", BASIS).GET().build());

        assertProblem(r, 401, null);
    }

    @Test
    void anAuditorMayNotQuery() throws Exception {
        HttpResponse<String> r = send(request("/v1/retention/records?messageId=m1" + WINDOW, AUDITOR)
                .header("X-Case-Reference", CASE).header("X-Legal-Basis", BASIS).GET().build());

        assertProblem(r, 403, null);
        assertThat(auditEntries().get(0).get("event").get("tokenId").asText()).isEqualTo("auditor-1");
    }

    @Test
    void anOfficerMayNotReadTheAuditLog() throws Exception {
        HttpResponse<String> r = send(request("/v1/audit", OFFICER).GET().build());

        assertProblem(r, 403, null);
    }

    @Test
    void aBodyOverTheLimitIs413AndAudited() throws Exception {
        String big = "{\"messageId\":\"" + "x".repeat(MAX_BODY * 4) + "\"}";

        HttpResponse<String> r = send(request("/v1/cases/" + CASE + "/export", OFFICER)
                .header("X-Legal-Basis", BASIS).POST(HttpRequest.BodyPublishers.ofString(big)).build());

        assertProblem(r, 413, "body");
        List<JsonNode> entries = auditEntries();
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).at("/event/action").asText()).isEqualTo("EXPORT");
        assertThat(entries.get(0).at("/event/outcome").asText()).isEqualTo("REFUSED");
        assertThat(entries.get(0).at("/event/requestId").asText()).isEqualTo(json.readTree(r.body())
                .get("requestId").asText());
    }

    @Test
    void aBodyAnnouncedOverTheLimitBehind100ContinueIs413AndAudited() throws Exception {
        // A raw socket: the client announces the body and waits for 100 Continue, as curl does for large bodies
        // (the JDK client hangs on an error answer to Expect, so it cannot show this).
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST /v1/cases/" + CASE + "/export HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: Bearer " + OFFICER + "\r\nX-Legal-Basis: " + BASIS + "\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + MAX_BODY * 4 + "\r\n"
                    + "Expect: 100-continue\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);

            assertThat(answer).isEqualTo("HTTP/1.1 413");
        }
        assertThat(auditEntries()).extracting(e -> e.at("/event/outcome").asText()).containsExactly("REFUSED");
    }

    @Test
    void moreRecordsThanTheCapComeWithAContinuation() throws Exception {
        twoPagesOfRecords();
        String path = "/v1/retention/records?msisdn=" + enc("+4790000001") + WINDOW;

        HttpResponse<String> first = officerGet(path);
        String token = continuationOf(first);
        HttpResponse<String> second = officerGet(path + "&continuation=" + enc(token));

        assertThat(recordLines(first.body())).extracting(n -> n.get("messageId").asText())
                .containsExactly("m0", "m1", "m2");
        assertThat(recordLines(second.body())).extracting(n -> n.get("messageId").asText())
                .containsExactly("m3", "m4");
        assertThat(second.headers().firstValue("X-Continuation")).isEmpty();
    }

    @Test
    void pageTwoWithoutFromOrToContinuesTheWindowOfPageOne() throws Exception {
        // Issue 9 item 8: "to" defaults to now, which moved on between the pages.
        twoPagesOfRecords();
        String path = "/v1/retention/records?msisdn=" + enc("+4790000001");
        String token = continuationOf(officerGet(path));
        // Past midnight: the default start of the window (the start of retention) has moved on too.
        clock.advance(Duration.ofHours(16));
        append("later", "+4791000001", "+4790000001", EventType.ACCEPTED);

        HttpResponse<String> second = officerGet(path + "&continuation=" + enc(token));

        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(recordLines(second.body())).extracting(n -> n.get("messageId").asText())
                .containsExactly("m3", "m4");
        assertThat(second.headers().firstValue("X-Continuation")).isEmpty();
    }

    @Test
    void aContinuationTokenWithOneCharacterChangedIs400AndAudited() throws Exception {
        twoPagesOfRecords();
        String path = "/v1/retention/records?msisdn=" + enc("+4790000001") + WINDOW;
        String token = continuationOf(officerGet(path));
        int at = token.length() / 2;
        String changed = token.substring(0, at) + (token.charAt(at) == 'A' ? 'B' : 'A') + token.substring(at + 1);

        HttpResponse<String> r = officerGet(path + "&continuation=" + enc(changed));

        assertProblem(r, 400, "continuation");
        JsonNode last = auditEntries().get(auditEntries().size() - 1);
        assertThat(last.at("/event/outcome").asText()).isEqualTo("REFUSED");
        assertThat(last.at("/event/requestId").asText()).isEqualTo(json.readTree(r.body()).get("requestId").asText());
        assertThat(last.at("/event/criteria/continuation").asText()).isEqualTo(changed);
    }

    @Test
    void aContinuationTokenOfAnotherNumbersQueryIs400() throws Exception {
        for (int i = 0; i < CAP + 1; i++) {
            append("m" + i, "+4791000001", "+4790000001", EventType.ACCEPTED);
            append("n" + i, "+4791000001", "+4790000002", EventType.ACCEPTED);
        }
        String token = continuationOf(officerGet("/v1/retention/records?msisdn=" + enc("+4790000001") + WINDOW));

        assertProblem(officerGet("/v1/retention/records?msisdn=" + enc("+4790000002") + WINDOW + "&continuation="
                + enc(token)), 400, "continuation");
    }

    @Test
    void anotherOfficersContinuationTokenIs400AndAudited() throws Exception {
        twoPagesOfRecords();
        String path = "/v1/retention/records?msisdn=" + enc("+4790000001") + WINDOW;
        String token = continuationOf(officerGet(path));

        HttpResponse<String> r = send(request(path + "&continuation=" + enc(token), SECOND_OFFICER)
                .header("X-Case-Reference", CASE).header("X-Legal-Basis", BASIS).GET().build());

        assertProblem(r, 400, "continuation");
        JsonNode last = auditEntries().get(auditEntries().size() - 1);
        assertThat(last.at("/event/outcome").asText()).isEqualTo("REFUSED");
        assertThat(last.at("/event/tokenId").asText()).isEqualTo("officer-2");
        assertThat(last.at("/event/criteria/continuation").asText()).isEqualTo(token);
        // The officer it was handed to continues with it.
        assertThat(officerGet(path + "&continuation=" + enc(token)).statusCode()).isEqualTo(200);
    }

    @Test
    void aContinuationTokenPresentedWithAnotherLimitIs400() throws Exception {
        twoPagesOfRecords();
        String path = "/v1/retention/records?msisdn=" + enc("+4790000001") + WINDOW;
        String token = continuationOf(officerGet(path + "&limit=2"));

        assertProblem(officerGet(path + "&limit=1&continuation=" + enc(token)), 400, "continuation");
        assertProblem(officerGet(path + "&continuation=" + enc(token)), 400, "continuation");
        assertThat(officerGet(path + "&limit=2&continuation=" + enc(token)).statusCode()).isEqualTo(200);
    }

    @Test
    void aChangedAuditByteIsDetectedByAuditVerify() throws Exception {
        officerGet("/v1/retention/records?messageId=m1" + WINDOW);
        Path file = dir.resolve("audit/audit.log");
        byte[] bytes = Files.readAllBytes(file);
        int at = new String(bytes, StandardCharsets.ISO_8859_1).indexOf(CASE);
        bytes[at] = 'K';
        Files.write(file, bytes);

        HttpResponse<String> r = send(request("/v1/audit/verify", AUDITOR).GET().build());

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode report = json.readTree(r.body());
        assertThat(report.get("firstProblem").get("line").asLong()).isEqualTo(1);
        assertThat(report.get("entriesChecked").asLong()).isZero();
    }

    @Test
    void anUntouchedAuditLogVerifies() throws Exception {
        officerGet("/v1/retention/records?messageId=m1" + WINDOW);

        HttpResponse<String> r = send(request("/v1/audit/verify", AUDITOR).GET().build());

        JsonNode report = json.readTree(r.body());
        assertThat(report.get("firstProblem").isNull()).isTrue();
        assertThat(report.get("entriesChecked").asLong()).isEqualTo(3);
    }

    @Test
    void anAuditorVerifiesTheMetadataStore() throws Exception {
        append("m1", "+4791000001", "+4790000001", EventType.ACCEPTED);

        HttpResponse<String> r = send(request("/v1/integrity/verify?from=2025-03-10&to=2025-03-10", AUDITOR).GET()
                .build());

        JsonNode report = json.readTree(r.body());
        assertThat(report.get("recordsChecked").asLong()).isEqualTo(1);
        assertThat(report.get("firstProblem").isNull()).isTrue();
    }

    @Test
    void everyRecordOfAnExportCarriesAnInclusionProofThatVerifies() throws Exception {
        append("m1", "+4791000001", "+4790000001", EventType.ACCEPTED);
        clock.advance(Duration.ofSeconds(1));
        append("m2", "+4790000001", "+4790000002", EventType.ACCEPTED);
        append("m3", "+4791000001", "+4790000003", EventType.ACCEPTED);

        HttpResponse<String> r = send(request("/v1/cases/" + CASE + "/export", OFFICER).header("X-Legal-Basis", BASIS)
                .POST(HttpRequest.BodyPublishers.ofString("{\"msisdn\":\"+4790000001\",\"from\":\"2025-03-10\","
                        + "\"to\":\"2025-03-11\"}")).build());

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode pkg = json.readTree(r.body());
        assertThat(pkg.get("caseReference").asText()).isEqualTo(CASE);
        assertThat(pkg.get("auditEntry").get("event").get("action").asText()).isEqualTo("EXPORT");
        assertThat(pkg.get("records")).extracting(n -> n.get("messageId").asText()).containsExactly("m1", "m2");
        assertThat(pkg.get("proofs")).hasSize(2);
        for (JsonNode p : pkg.get("proofs")) {
            assertThat(InclusionProof.verify(proof(p), store.publicKey())).isTrue();
        }
        assertThat(pkg.get("publicKey").asText())
                .isEqualTo(Base64.getEncoder().encodeToString(store.publicKey().getEncoded()));
        // The provider signs the package: the disclosed values and the page's completeness are vouched for too.
        var deliveryKey = DeliverySigner.inDataDir(dir).publicKey();
        assertThat(SignedJson.verifies(pkg, deliveryKey)).isTrue();
        ObjectNode changed = pkg.deepCopy();
        ((ObjectNode) changed.at("/records/0")).put("destination", "+4790000009");
        ObjectNode shortened = pkg.deepCopy();
        ((ArrayNode) shortened.get("records")).remove(1);
        assertThat(SignedJson.verifies(changed, deliveryKey)).isFalse();
        assertThat(SignedJson.verifies(shortened, deliveryKey)).isFalse();
    }

    @Test
    void anExportProofWithAChangedRecordDoesNotVerify() throws Exception {
        append("m1", "+4791000001", "+4790000001", EventType.ACCEPTED);

        HttpResponse<String> r = send(request("/v1/cases/" + CASE + "/export?messageId=m1" + WINDOW, OFFICER)
                .header("X-Legal-Basis", BASIS).GET().build());

        InclusionProof proof = proof(json.readTree(r.body()).get("proofs").get(0));
        proof.recordBytes()[proof.recordBytes().length - 1] ^= 1;
        assertThat(InclusionProof.verify(proof, store.publicKey())).isFalse();
    }

    /** Issue 9 item 15: RFC 9110 §15.5.6, a 405 names the methods the resource supports. */
    @Test
    void aMethodNotAllowedIs405NamingTheAllowedMethods() throws Exception {
        for (String[] resource : new String[][] {{"/v1/retention/records", "GET"}, {"/v1/audit", "GET"},
                {"/v1/requests", "GET, POST"}, {"/v1/requests/r1", "GET"}, {"/v1/requests/r1/approve", "POST"},
                {"/v1/requests/r1/delivery", "GET"}, {"/v1/cases/" + CASE + "/export", "GET, POST"},
                {"/v1/subjects/acme/records", "GET, DELETE"}, {"/v1/subjects/acme/restrictions", "GET, POST"}}) {
            HttpResponse<String> r = send(request(resource[0], OFFICER).header("X-Case-Reference", CASE)
                    .header("X-Legal-Basis", BASIS).method("PUT", HttpRequest.BodyPublishers.noBody()).build());

            assertProblem(r, 405, null);
            assertThat(r.headers().firstValue("Allow")).as(resource[0]).hasValue(resource[1]);
        }
    }

    @Test
    void noResponseOrAuditEntryHoldsMessageContent() throws Exception {
        // The message text never reaches the metadata store; this guards against a disclosure path that adds it.
        String content = "Your code is 918273";
        append("m1", "+4791000001", "+4790000001", EventType.ACCEPTED);

        HttpResponse<String> records = officerGet("/v1/retention/records?messageId=m1" + WINDOW);
        HttpResponse<String> export = send(request("/v1/cases/" + CASE + "/export?messageId=m1" + WINDOW, OFFICER)
                .header("X-Legal-Basis", BASIS).GET().build());

        assertThat(records.body()).doesNotContain(content).doesNotContain("918273");
        assertThat(export.body()).doesNotContain("918273");
        assertThat(Files.readString(dir.resolve("audit/audit.log"))).doesNotContain("918273");
    }

    /** {@code CAP + 2} records of +4790000001: two pages. */
    private void twoPagesOfRecords() throws IOException {
        for (int i = 0; i < CAP + 2; i++) {
            append("m" + i, "+4791000001", "+4790000001", EventType.ACCEPTED);
        }
    }

    private static String continuationOf(HttpResponse<String> page) {
        return page.headers().firstValue("X-Continuation").orElseThrow();
    }
}
