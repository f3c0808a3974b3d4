package dev.ebb.gateway.compliance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one JSON shape of the compliance API, the audit log and the CLI (and of problem bodies): ISO-8601 times,
 * fields in declaration order.
 */
public final class Json {
    private Json() {
    }

    /** A new mapper (each component keeps its own; mappers are thread-safe once configured). */
    public static ObjectMapper mapper() {
        return JsonMapper.builder().addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();
    }
}
