package dev.ebb.gateway.southbound.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.gateway.config.SmppServerConfig;
import dev.ebb.gateway.core.BindType;
import dev.ebb.gateway.smpp.pdu.CommandStatus;
import dev.ebb.gateway.smpp.pdu.Pdu;
import dev.ebb.gateway.smpp.pdu.SmppCodec;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A bare SMPP peer over Ebb's own codec: it sends exactly what a test writes (PDU records or raw bytes) and
 * queues every PDU it receives, answering nothing by itself.
 */
final class SmppTestClient implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private final Channel channel;
    private final BlockingQueue<Pdu> received = new LinkedBlockingQueue<>();
    private int sequence;

    SmppTestClient(EventLoopGroup group, int port) {
        this.channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new SmppCodec(SmppServerConfig.DEFAULT_MAX_COMMAND_LENGTH),
                                new SimpleChannelInboundHandler<Pdu>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, Pdu pdu) {
                                        received.add(pdu);
                                    }
                                });
                    }
                })
                .connect("127.0.0.1", port).syncUninterruptibly().channel();
    }

    /** Binds and asserts the bind succeeded. */
    SmppTestClient bind(BindType type, String systemId, String password) throws InterruptedException {
        send(new Pdu.Bind(type, nextSequence(), systemId, password, "", (byte) 0x34, (byte) 0, (byte) 0, ""));
        assertThat(next(Pdu.BindResp.class).commandStatus()).isEqualTo(CommandStatus.ESME_ROK);
        return this;
    }

    int nextSequence() {
        return ++sequence;
    }

    /** Writes a PDU record, or a ByteBuf as raw bytes past the encoder. */
    void send(Object message) {
        channel.writeAndFlush(message).syncUninterruptibly();
    }

    /** The next PDU received, which must be of {@code type}. */
    <T extends Pdu> T next(Class<T> type) throws InterruptedException {
        Pdu pdu = received.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(pdu).as("a PDU within " + TIMEOUT).isInstanceOf(type);
        return type.cast(pdu);
    }

    boolean isOpen() {
        return channel.isActive();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }
}
