package dev.ebb.gateway.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.stream.ChunkedInput;
import java.util.Iterator;

/**
 * A 200 answer whose body is written as the client reads it (chunked transfer, RFC 9112 §7.1): lines are serialised
 * only when the connection can take more ({@link io.netty.handler.stream.ChunkedWriteHandler}), so a large page holds
 * no more than a chunk in memory per connection and a slow reader slows only its own answer.
 */
public final class StreamedResponse extends DefaultHttpResponse {
    /** About this many bytes go into one chunk. */
    private static final int CHUNK_BYTES = 64 * 1024;

    private final Iterator<byte[]> lines;

    /** @param lines the body, line by line (each with its line end), made lazily */
    public StreamedResponse(String contentType, Iterator<byte[]> lines) {
        super(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        this.lines = lines;
        headers().set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        HttpUtil.setTransferEncodingChunked(this, true);
    }

    /** The body, for an {@link io.netty.handler.codec.http.HttpChunkedInput}. */
    public ChunkedInput<ByteBuf> body() {
        return new ChunkedInput<>() {
            private long progress;

            @Override
            public boolean isEndOfInput() {
                return !lines.hasNext();
            }

            @Override
            public void close() {
                // Nothing to release: lines are made on demand.
            }

            @Deprecated
            @Override
            public ByteBuf readChunk(ChannelHandlerContext ctx) {
                return readChunk(ctx.alloc());
            }

            @Override
            public ByteBuf readChunk(ByteBufAllocator allocator) {
                if (!lines.hasNext()) {
                    return null;
                }
                ByteBuf chunk = allocator.buffer(CHUNK_BYTES);
                while (lines.hasNext() && chunk.readableBytes() < CHUNK_BYTES) {
                    chunk.writeBytes(lines.next());
                }
                progress += chunk.readableBytes();
                return chunk;
            }

            @Override
            public long length() {
                return -1;
            }

            @Override
            public long progress() {
                return progress;
            }
        };
    }
}
