package dev.ebb.gateway.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;

/**
 * Zeroes each request body once the handler after it is done with the request, then releases it. Netty's pooled
 * allocator hands released memory out again as it is, so without this the last bodies (message content, numbers)
 * stay readable in the pool's chunks until other traffic happens to overwrite them (DESIGN invariant 1).
 *
 * <p>Only for a handler that is done with the request when its {@code channelRead} returns, as the customer API's
 * is: it would find the body zeroed afterwards. Stateless, so one instance serves every connection. Bytes Netty copied while gathering a body from several reads are
 * released by its decoder unzeroed; they are in direct memory, not in the Java heap.
 */
@ChannelHandler.Sharable
public final class WipeBodies extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        // Our own reference keeps the body alive after the next handler released its one.
        request.retain();
        try {
            ctx.fireChannelRead(request);
        } finally {
            ByteBuf body = request.content();
            body.setZero(0, body.writerIndex());
            request.release();
        }
    }
}
