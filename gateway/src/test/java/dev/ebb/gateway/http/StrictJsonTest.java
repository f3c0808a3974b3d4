package dev.ebb.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StrictJsonTest {
    /**
     * Issue 9 item 10: Jackson's pooled buffers kept the last body (content and number) after the message was gone.
     * What this proves: a parse through StrictJson leaves nothing in the calling thread's pooled buffers, where a
     * parse with Jackson's thread-local pool (its default) does. It cannot prove that no copy is anywhere in the
     * heap: the parse's own buffers and the tree's strings are garbage afterwards, gone at the next collection.
     */
    @Test
    void aParsedBodyIsLeftInNoPooledBuffer() throws Exception {
        StrictJson.read(bytes("{\"text\":\"MARKER-Sj10a\",\"to\":\"+4790000010\"}"));

        assertThat(pooledText()).doesNotContain("MARKER-Sj10a").doesNotContain("4790000010");

        // The same parse with the pool Jackson uses by default leaves it there: the check above can see it.
        JsonMapper.builder(JsonFactory.builder().recyclerPool(JsonRecyclerPools.threadLocalPool()).build()).build()
                .readTree(new java.io.ByteArrayInputStream("{\"text\":\"MARKER-Sj10b\"}"
                        .getBytes(StandardCharsets.UTF_8)));
        assertThat(pooledText()).contains("MARKER-Sj10b");
    }

    /** Issue 9 item 15: RFC 8259 §8.1, JSON is exchanged as UTF-8 without a byte-order mark. */
    @Test
    void aByteOrderMarkOrAnotherEncodingIsRefused() {
        // U+FEFF is the byte-order mark: EF BB BF in UTF-8.
        assertRefused("\uFEFF{\"a\":\"b\"}".getBytes(StandardCharsets.UTF_8));
        assertRefused("{\"a\":\"b\"}".getBytes(StandardCharsets.UTF_16));
        assertRefused("{\"a\":\"b\"}".getBytes(StandardCharsets.UTF_16LE));
        assertRefused("{\"a\":\"b\"}".getBytes(java.nio.charset.Charset.forName("UTF-32BE")));
    }

    /** Issue 9 item 15: a lone surrogate is no character (RFC 8259 §8.2), whether escaped or sent raw (CESU-8). */
    @Test
    void aLoneSurrogateIsRefusedAndAPairAccepted() throws Exception {
        assertRefused("{\"text\":\"\\ud800\"}".getBytes(StandardCharsets.US_ASCII));
        assertRefused("{\"text\":\"x\\udc00\"}".getBytes(StandardCharsets.US_ASCII));
        assertRefused("{\"text\":\"\\ud800x\"}".getBytes(StandardCharsets.US_ASCII));
        assertRefused("{\"\\ud800\":\"x\"}".getBytes(StandardCharsets.US_ASCII));
        assertRefused("{\"a\":[{\"b\":\"\\udbff\"}]}".getBytes(StandardCharsets.US_ASCII));
        assertRefused(new byte[] {'{', '"', 't', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'});

        assertThat(StrictJson.read(bytes("{\"text\":\"\\ud83d\\ude00\"}")).get("text").asText()).isEqualTo("😀");
        assertThat(StrictJson.read(bytes("{\"text\":\"😀\"}")).get("text").asText()).isEqualTo("😀");
    }

    /**
     * Found by StrictJsonFuzzTest: a number beyond a double's range read as Infinity, a value JSON has no way to write
     * (RFC 8259 §6), so that the tree accepted was not the body sent.
     */
    @Test
    void aNumberBeyondTheRangeOfADoubleIsRefused() throws Exception {
        assertRefused("1e999".getBytes(StandardCharsets.US_ASCII));
        assertRefused("-1e999".getBytes(StandardCharsets.US_ASCII));
        assertRefused("33305e3333".getBytes(StandardCharsets.US_ASCII));
        assertRefused("{\"a\":[1,{\"b\":6E666}]}".getBytes(StandardCharsets.US_ASCII));

        assertThat(StrictJson.read(bytes("{\"a\":1.7976931348623157e308}")).get("a").doubleValue())
                .isEqualTo(Double.MAX_VALUE);
        assertThat(StrictJson.read(bytes("123456789012345678901234567890")).bigIntegerValue())
                .isEqualTo(new java.math.BigInteger("123456789012345678901234567890"));
    }

    /** What the calling thread's pooled Jackson buffers hold (its input buffer and its text buffer). */
    private static String pooledText() {
        BufferRecycler pooled = JsonRecyclerPools.threadLocalPool().acquirePooled();
        return new String(pooled.allocByteBuffer(BufferRecycler.BYTE_READ_IO_BUFFER), StandardCharsets.ISO_8859_1)
                + new String(pooled.allocCharBuffer(BufferRecycler.CHAR_TEXT_BUFFER));
    }

    private static void assertRefused(byte[] body) {
        assertThatThrownBy(() -> StrictJson.read(Unpooled.wrappedBuffer(body))).isInstanceOf(IOException.class);
    }

    private static io.netty.buffer.ByteBuf bytes(String json) {
        return Unpooled.wrappedBuffer(json.getBytes(StandardCharsets.UTF_8));
    }
}
