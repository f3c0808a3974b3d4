package dev.ebb.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Any request body through {@link StrictJson}: a tree or an {@link IOException}, nothing else. What it accepts keeps
 * its promise: well-formed UTF-8 (no silently replaced bytes), and a tree that written out reads back the same.
 */
class StrictJsonFuzzTest {
    private static final ObjectMapper WRITER = new ObjectMapper();

    @FuzzTest(maxDuration = "60s")
    void aBodyIsReadStrictlyOrRefused(byte[] body) throws IOException {
        JsonNode tree;
        try {
            tree = StrictJson.read(Unpooled.wrappedBuffer(body));
        } catch (IOException refused) {
            return;
        }
        assertThatCode(() -> StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)))
                .as("only well-formed UTF-8 is accepted").doesNotThrowAnyException();
        // An empty body reads as a missing value (no tree to write back).
        if (!tree.isMissingNode()) {
            assertThat(StrictJson.read(Unpooled.wrappedBuffer(WRITER.writeValueAsBytes(tree)))).isEqualTo(tree);
        }
    }
}
