package dev.ebb.gateway.http;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads request bodies as JSON strictly: UTF-8 that is well-formed (no silent replacement characters), no member
 * given twice, nothing after the value. A body that is not all of that is refused, not guessed at.
 */
public final class StrictJson {
    private static final ObjectMapper READER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    private StrictJson() {
    }

    /**
     * The body as a tree.
     *
     * @throws IOException when it is not strictly valid JSON in UTF-8
     */
    public static JsonNode read(ByteBuf body) throws IOException {
        try (InputStream in = new ByteBufInputStream(body.duplicate())) {
            return READER.readTree(in);
        }
    }
}
