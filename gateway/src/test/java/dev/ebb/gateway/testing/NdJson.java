package dev.ebb.gateway.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/** The records of a compliance API answer in JSON lines ({@code application/x-ndjson}), without its summary line. */
public final class NdJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private NdJson() {
    }

    /** The record lines of a 200 answer (the test fails on another status, with the body). */
    public static List<JsonNode> records(HttpResponse<String> r) throws IOException {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        for (String line : r.body().split("\n")) {
            JsonNode n = JSON.readTree(line);
            if (!n.has("summary")) {
                out.add(n);
            }
        }
        return out;
    }
}
