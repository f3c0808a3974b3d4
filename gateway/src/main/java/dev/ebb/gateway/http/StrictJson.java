package dev.ebb.gateway.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * Reads request bodies as JSON strictly: UTF-8 that is well-formed (no silent replacement characters, no byte-order
 * mark, no UTF-16 or UTF-32, which Jackson would otherwise detect and accept; RFC 8259 §8.1), strings that are
 * well-formed Unicode (no lone surrogate, escaped or not; RFC 8259 §8.2), numbers within a double's range (RFC 8259
 * §6: no Infinity, which JSON cannot write back), no member given twice, nothing after the value. A body that is not all of that is refused, not guessed at.
 *
 * <p>Bodies carry message content and numbers, so the parser keeps no buffer between bodies: Jackson's default pool
 * keeps each thread's last input and text buffers for the next parse, and with them the last body, readable in a
 * heap dump long after the message was sent (DESIGN invariant 1). Each parse here allocates its own and leaves them
 * to the collector.
 */
public final class StrictJson {
    /** The detail of the 400 answering a body {@link #read} refuses. */
    public static final String REFUSED =
            "the body is not valid JSON in UTF-8 (each member once, numbers within a double's range, nothing after)";
    private static final ObjectMapper READER = JsonMapper.builder(JsonFactory.builder()
                    .recyclerPool(JsonRecyclerPools.nonRecyclingPool()).build())
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
        requireUtf8Start(body);
        JsonNode root;
        try (InputStream in = new ByteBufInputStream(body.duplicate())) {
            root = READER.readTree(in);
        }
        if (root != null) {
            requireSoundValues(root);
        }
        return root;
    }

    /**
     * A JSON text in UTF-8 starts with an ASCII character, and none of its first four bytes is NUL: a BOM starts
     * with a byte over 0x7F, UTF-16 and UTF-32 have NUL bytes there.
     */
    private static void requireUtf8Start(ByteBuf body) throws IOException {
        int start = body.readerIndex();
        int n = Math.min(4, body.readableBytes());
        for (int i = 0; i < n; i++) {
            int b = body.getUnsignedByte(start + i);
            if (b == 0 || i == 0 && b > 0x7F) {
                throw new IOException("not a JSON text in UTF-8 without a byte-order mark");
            }
        }
    }

    private static void requireSoundValues(JsonNode node) throws IOException {
        if (node.isTextual()) {
            requireWellFormed(node.textValue());
        } else if (node.isDouble() && !Double.isFinite(node.doubleValue())) {
            // Jackson reads 1e999 as Infinity: the body said a number, the tree holds none.
            throw new IOException("a number is beyond the range of a double");
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> member : node.properties()) {
                requireWellFormed(member.getKey());
                requireSoundValues(member.getValue());
            }
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                requireSoundValues(element);
            }
        }
    }

    /** Every surrogate is half of a pair: a lone one is no character and cannot be encoded in UTF-8 or GSM. */
    private static void requireWellFormed(String s) throws IOException {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IOException("a string holds a lone surrogate");
            }
        }
    }
}
