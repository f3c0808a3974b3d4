package dev.ebb.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Issue 9 item 10: a request body must not outlive its request in Netty's pooled memory. What this proves: the
 * pooled memory that held a body is zero once the request is released, while the handler still read the body whole.
 * It reads the pool's backing array directly, so it checks heap-pooled buffers; direct ones are zeroed by the same
 * call.
 */
class WipeBodiesTest {
    private static final String BODY = "{\"to\":\"+4790000010\",\"text\":\"MARKER-Wb10\"}";

    @Test
    void theBodyIsReadWholeThenZeroedBeforeItsMemoryGoesBackToThePool() {
        AtomicReference<String> seen = new AtomicReference<>();
        EmbeddedChannel channel = new EmbeddedChannel(new WipeBodies(), reader(seen));
        ByteBuf body = pooledBody();
        Memory memory = Memory.of(body);

        channel.writeInbound(request(body));

        assertThat(seen.get()).isEqualTo("MARKER-Wb10");
        assertThat(body.refCnt()).isZero();
        assertThat(memory.bytes()).containsOnly(0);
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void withoutItTheReleasedMemoryStillHoldsTheBody() {
        EmbeddedChannel channel = new EmbeddedChannel(reader(new AtomicReference<>()));
        ByteBuf body = pooledBody();
        Memory memory = Memory.of(body);

        channel.writeInbound(request(body));

        assertThat(body.refCnt()).isZero();
        assertThat(new String(memory.bytes(), StandardCharsets.UTF_8)).isEqualTo(BODY);
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    private static SimpleChannelInboundHandler<FullHttpRequest> reader(AtomicReference<String> seen) {
        return new SimpleChannelInboundHandler<>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) throws Exception {
                seen.set(StrictJson.read(request.content()).get("text").asText());
            }
        };
    }

    private static ByteBuf pooledBody() {
        ByteBuf body = PooledByteBufAllocator.DEFAULT.heapBuffer(256);
        body.writeCharSequence(BODY, StandardCharsets.UTF_8);
        return body;
    }

    private static FullHttpRequest request(ByteBuf body) {
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/v1/messages", body);
    }

    /** The pool memory a buffer's bytes are in, still readable after the buffer is released. */
    private record Memory(byte[] array, int offset, int length) {
        static Memory of(ByteBuf body) {
            return new Memory(body.array(), body.arrayOffset(), body.writerIndex());
        }

        byte[] bytes() {
            return Arrays.copyOfRange(array, offset, offset + length);
        }
    }
}
