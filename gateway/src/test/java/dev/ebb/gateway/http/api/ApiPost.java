package dev.ebb.gateway.http.api;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;

/** A POST /v1/messages written into an API handler's EmbeddedChannel, as the listener would hand it on. */
final class ApiPost {
    private ApiPost() {
    }

    /** @return the answer, or null if there was none; the caller releases it */
    static FullHttpResponse send(EmbeddedChannel channel, String apiKey, byte[] body) {
        FullHttpRequest post = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/v1/messages",
                Unpooled.wrappedBuffer(body));
        post.headers().set(HttpHeaderNames.HOST, "localhost").set(HttpHeaderNames.AUTHORIZATION, "Bearer " + apiKey)
                .set(HttpHeaderNames.CONTENT_TYPE, "application/json").setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        channel.writeInbound(post);
        return channel.readOutbound();
    }
}
