package dev.ebb.bench;

import dev.ebb.gateway.config.SimulatorConfig;
import dev.ebb.gateway.config.SmppServerConfig;
import dev.ebb.gateway.core.SmppAddress;
import dev.ebb.gateway.smpp.BindType;
import dev.ebb.gateway.smpp.CommandStatus;
import dev.ebb.gateway.smpp.Pdu;
import dev.ebb.gateway.smpp.SmppCodec;
import dev.ebb.gateway.southbound.HandsetSimulator;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Throughput of the embedded {@link HandsetSimulator} alone: Netty clients on Ebb's own codec bind as
 * transceivers and keep {@code window} messages each in flight end to end (submit_sm sent, its delivery receipt
 * not yet received), so a message counts once its receipt is back. Prints submits/s and receipts/s.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar dev.ebb.bench.SimulatorLoad [seconds] [connections] [window]}
 * (defaults 10, 4, 256), after a 3 s warm-up. Simulator and clients get one event-loop thread each.
 */
public final class SimulatorLoad {
    private static final Duration WARM_UP = Duration.ofSeconds(3);

    private SimulatorLoad() {
    }

    public static void main(String[] args) throws InterruptedException {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int connections = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int window = args.length > 2 ? Integer.parseInt(args[2]) : 256;

        EventLoopGroup simulatorLoop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup clientLoop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        HandsetSimulator simulator = HandsetSimulator.start(new SimulatorConfig(true, "127.0.0.1", 0, "load", "load",
                Duration.ZERO, List.of()), simulatorLoop, Clock.systemUTC(), new Random());
        LongAdder receipts = new LongAdder();
        List<Channel> channels = new ArrayList<>();
        try {
            for (int i = 0; i < connections; i++) {
                channels.add(connect(clientLoop, simulator.port(), window, receipts));
            }
            Thread.sleep(WARM_UP.toMillis());
            long submitted0 = simulator.submitted();
            long receipts0 = receipts.sum();
            long start = System.nanoTime();
            Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
            double elapsed = (System.nanoTime() - start) / 1e9;
            System.out.printf("simulator: %d connections x window %d, %d s: %,.0f submit_sm/s, %,.0f receipts/s (msg/s end to end)%n",
                    connections, window, seconds, (simulator.submitted() - submitted0) / elapsed,
                    (receipts.sum() - receipts0) / elapsed);
        } finally {
            channels.forEach(Channel::close);
            simulator.close();
            clientLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            simulatorLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static Channel connect(EventLoopGroup group, int port, int window, LongAdder receipts) {
        return new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new SmppCodec(SmppServerConfig.DEFAULT_MAX_COMMAND_LENGTH),
                                new LoadClient(window, receipts));
                    }
                })
                .connect("127.0.0.1", port).syncUninterruptibly().channel();
    }

    /** One transceiver: a new submit_sm for every receipt, so {@code window} messages stay in flight. */
    private static final class LoadClient extends ChannelInboundHandlerAdapter {
        private static final SmppAddress SOURCE = SmppAddress.international("4790000001");
        private static final SmppAddress DESTINATION = SmppAddress.international("4790000002");
        private static final byte[] TEXT = "load test message".getBytes(StandardCharsets.US_ASCII);
        private final int window;
        private final LongAdder receipts;
        private int sequence;

        LoadClient(int window, LongAdder receipts) {
            this.window = window;
            this.receipts = receipts;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(new Pdu.Bind(BindType.TRANSCEIVER, ++sequence, "load", "load", "", (byte) 0x34,
                    (byte) 0, (byte) 0, ""), ctx.voidPromise());
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Pdu.DeliverSm deliver) {
                ctx.write(new Pdu.DeliverSmResp(deliver.sequenceNumber(), CommandStatus.ESME_ROK), ctx.voidPromise());
                receipts.increment();
                submit(ctx);
            } else if (msg instanceof Pdu.BindResp bind) {
                if (bind.commandStatus() != CommandStatus.ESME_ROK) {
                    throw new IllegalStateException("bind refused: " + CommandStatus.name(bind.commandStatus()));
                }
                for (int i = 0; i < window; i++) {
                    submit(ctx);
                }
            }
            // submit_sm_resp needs nothing here: the simulator counts submits, the receipt moves the window.
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        private void submit(ChannelHandlerContext ctx) {
            sequence = sequence == Integer.MAX_VALUE ? 1 : sequence + 1;
            ctx.write(new Pdu.SubmitSm(sequence, "", SOURCE, DESTINATION, (byte) 0, (byte) 0, (byte) 0, "", "", (byte) 1,
                    (byte) 0, (byte) 0, (byte) 0, TEXT, List.of()), ctx.voidPromise());
        }
    }
}
