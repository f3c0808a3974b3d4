package dev.ebb.gateway.http.compliance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebb.gateway.compliance.ComplianceRefusal;
import dev.ebb.gateway.compliance.DisclosedRecord;
import dev.ebb.gateway.compliance.Disclosure;
import dev.ebb.gateway.http.Problem;
import dev.ebb.gateway.http.Responses;
import dev.ebb.gateway.http.StreamedResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The compliance API's responses: JSON, JSON lines or CSV of disclosed records, and the problem of a refusal. */
final class Rendering {
    private final ObjectMapper json = Responses.mapper();

    HttpResponse json(int status, Object body) {
        try {
            return Responses.of(status, Responses.JSON, json.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("response cannot be serialised", e);
        }
    }

    FullHttpResponse problem(Problem problem) {
        return Responses.problem(json, problem);
    }

    /** The one mapping of a refusal to its status and problem type. */
    FullHttpResponse refusal(ComplianceRefusal r) {
        String field = r.field() == null ? null : switch (r.field()) {
            case "caseReference" -> Headers.CASE;
            case "legalBasis" -> Headers.BASIS;
            default -> r.field();
        };
        Problem p = switch (r.kind()) {
            case UNAUTHENTICATED -> Problem.of(401, "unauthenticated", "Authentication required", r.getMessage());
            case FORBIDDEN -> Problem.of(403, "forbidden", "Not allowed for this role", r.getMessage());
            case INVALID -> Problem.of(400, "invalid-parameter", "Invalid parameter", r.getMessage()).onField(field);
            case NOT_FOUND -> Problem.of(404, "not-found", "Not found", r.getMessage()).onField(field);
            case CONFLICT -> Problem.of(409, "conflict", "Not allowed in this state", r.getMessage());
            case APPROVAL_REQUIRED -> Problem.of(403, "four-eyes-required", "A second officer's approval is"
                    + " required", r.getMessage());
            case FAILED -> Problem.of(503, "failed", "Request failed", r.getMessage());
        };
        return problem(p.withRequestId(r.requestId()));
    }

    /** Disclosed records as CSV if the client accepts it, else as JSON lines; the page's id, count and continuation in headers. */
    HttpResponse records(FullHttpRequest request, Disclosure d) {
        List<DisclosedRecord> records = d.records().stream().map(DisclosedRecord::of).toList();
        String accept = request.headers().get(HttpHeaderNames.ACCEPT, "");
        HttpResponse response;
        if (accept.contains("text/csv")) {
            response = new StreamedResponse(Responses.CSV, Csv.lines(records));
        } else {
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("requestId", d.requestId());
            summary.put("records", records.size());
            summary.put("continuation", d.continuation().orElse(null));
            response = ndjson(records, summary);
        }
        response.headers().set(Headers.REQUEST_ID, d.requestId()).setInt(Headers.COUNT, records.size());
        d.continuation().ifPresent(c -> response.headers().set(Headers.CONTINUATION, c));
        return response;
    }

    /**
     * JSON lines, streamed: one object per item, then a {@code {"summary":…}} line so a reader knows the stream is
     * whole.
     */
    HttpResponse ndjson(List<?> items, Map<String, Object> summary) {
        Iterator<Object> all = Stream.concat(items.stream(), Stream.of(Map.of("summary", summary))).iterator();
        return new StreamedResponse(Responses.NDJSON, new Iterator<>() {
            @Override
            public boolean hasNext() {
                return all.hasNext();
            }

            @Override
            public byte[] next() {
                try {
                    byte[] line = json.writeValueAsBytes(all.next());
                    byte[] withEnd = Arrays.copyOf(line, line.length + 1);
                    withEnd[line.length] = '\n';
                    return withEnd;
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException("response cannot be serialised", e);
                }
            }
        });
    }
}
