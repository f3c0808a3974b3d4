package dev.ebb.bench.footprint;

import dev.ebb.gateway.smpp.pdu.Pdu;
import dev.ebb.gateway.smpp.pdu.SmppCodec;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An SMSC that takes every bind and submit_sm and never sends a receipt: what Ebb holds of a message in flight
 * (submitted, awaiting its receipt) stays in Ebb's heap, and nothing of it in this SMSC's.
 */
final class SilentSmsc implements AutoCloseable {
    private final Channel server;

    private SilentSmsc(Channel server) {
        this.server = server;
    }

    static SilentSmsc start(EventLoopGroup group) throws InterruptedException {
        AtomicLong ids = new AtomicLong();
        Channel channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new SmppCodec(1 << 20), new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                if (msg instanceof Pdu.Bind bind) {
                                    ctx.write(new Pdu.BindResp(bind.type(), bind.sequenceNumber(), 0, "silent",
                                            (byte) 0x34));
                                } else if (msg instanceof Pdu.SubmitSm submit) {
                                    ctx.write(new Pdu.SubmitSmResp(submit.sequenceNumber(), 0,
                                            Long.toHexString(ids.incrementAndGet())));
                                } else if (msg instanceof Pdu.EnquireLink link) {
                                    ctx.write(new Pdu.EnquireLinkResp(link.sequenceNumber(), 0));
                                } else if (msg instanceof Pdu.Unbind unbind) {
                                    ctx.writeAndFlush(new Pdu.UnbindResp(unbind.sequenceNumber(), 0));
                                }
                            }

                            @Override
                            public void channelReadComplete(ChannelHandlerContext ctx) {
                                ctx.flush();
                            }
                        });
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        return new SilentSmsc(channel);
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
    }
}
