package dev.ebb.gateway.compliance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** The JSON settings of the compliance API and audit log: ISO-8601 times, fields in declaration order. */
final class ComplianceJson {
    private ComplianceJson() {
    }

    /** A new mapper (each component keeps its own; mappers are thread-safe once configured). */
    static ObjectMapper mapper() {
        return JsonMapper.builder().addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .build();
    }
}
