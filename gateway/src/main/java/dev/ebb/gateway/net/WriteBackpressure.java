package dev.ebb.gateway.net;

import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;

/**
 * Stops reading a connection while its outbound buffer is over the high-water mark, and reads again once it has
 * drained below the low one. Every request a peer sends makes a response; a peer that sends but does not read
 * (an enquire_link flood) would otherwise grow Ebb's memory without limit (issue 9, item 4). Once Ebb stops
 * reading, the kernel's buffers fill and TCP flow control blocks the peer's writes instead.
 *
 * <p>Stateless, so one instance serves every channel. Put it on a child channel together with
 * {@link #WATER_MARK} and {@link #RECEIVE_BUFFERS}.
 */
@ChannelHandler.Sharable
public final class WriteBackpressure extends ChannelInboundHandlerAdapter {
    /**
     * 32/64 KiB: a few hundred responses (Netty counts about 100 bytes of overhead per queued write), about a
     * default window of them, and small enough that thousands of stalled peers stay within a 512 MB heap.
     */
    public static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 64 * 1024);
    /**
     * Reads of at most 16 KiB: reading stops only between two socket reads, so what one read holds (up to a
     * thousand small requests, each answered) is what a stalled peer can still add past the high-water mark.
     * Netty's default of 64 KiB would allow four times that.
     */
    public static final RecvByteBufAllocator RECEIVE_BUFFERS = new AdaptiveRecvByteBufAllocator(64, 2048, 16 * 1024);
    public static final WriteBackpressure INSTANCE = new WriteBackpressure();

    private WriteBackpressure() {
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // The read already under way finishes (at most one socket read's worth of PDUs), then reading stops.
        ctx.channel().config().setAutoRead(ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
    }
}
