package dev.ebb.bench.load;

import dev.ebb.gateway.core.BindType;
import dev.ebb.gateway.core.SmppAddress;
import dev.ebb.gateway.smpp.pdu.CommandStatus;
import dev.ebb.gateway.smpp.pdu.Pdu;
import dev.ebb.gateway.smpp.pdu.SmppCodec;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ebb-load}: drives a running gateway over SMPP with Ebb's own Netty codec (a jSMPP client tops
 * out near 20 k/s here, far below what is being measured) and reports accepted and receipted rates with
 * submit_sm → submit_sm_resp latency percentiles from HdrHistogram.
 */
@Command(name = "ebb-load", mixinStandardHelpOptions = true,
        description = "SMPP load generator: binds, submits with a window, counts receipts, reports rates and latency.")
public final class EbbLoad implements Callable<Integer> {
    @Option(names = "--host", defaultValue = "127.0.0.1") String host;
    @Option(names = "--port", defaultValue = "2775") int port;
    @Option(names = "--system-id", defaultValue = "demo") String systemId;
    @Option(names = "--password", defaultValue = "demo1234") String password;
    @Option(names = "--binds", defaultValue = "4", description = "connections (transceiver binds)") int binds;
    @Option(names = "--window", defaultValue = "256", description = "outstanding submit_sm per bind") int window;
    @Option(names = "--messages", defaultValue = "500000", description = "messages in total") long messages;
    @Option(names = "--rate", defaultValue = "0", description = "target msg/s over all binds (0 = as fast as possible)") int rate;
    @Option(names = "--no-receipts", description = "submit with registered_delivery 0 and do not wait for receipts") boolean noReceipts;
    @Option(names = "--threads", defaultValue = "1", description = "client event-loop threads") int threads;

    private boolean receipts;
    private final Recorder latency = new Recorder(3);
    private final LongAdder accepted = new LongAdder();
    private final LongAdder receiptCount = new LongAdder();
    private final Map<Integer, LongAdder> refused = new ConcurrentHashMap<>();
    private final AtomicLong remaining = new AtomicLong();

    public static void main(String[] args) {
        System.exit(new CommandLine(new EbbLoad()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        receipts = !noReceipts;
        remaining.set(messages);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
        CountDownLatch done = new CountDownLatch(binds);
        List<Channel> channels = new ArrayList<>();
        try {
            for (int i = 0; i < binds; i++) {
                Session session = new Session(done, rate == 0 ? 0 : Math.max(1, rate / binds));
                channels.add(new Bootstrap().group(group).channel(NioSocketChannel.class)
                        .option(ChannelOption.TCP_NODELAY, true)
                        .handler(new ChannelInitializer<SocketChannel>() {
                            @Override
                            protected void initChannel(SocketChannel ch) {
                                ch.pipeline().addLast(new SmppCodec(1 << 20), session);
                            }
                        }).connect(host, port).sync().channel());
            }
            long start = System.nanoTime();
            long lastAccepted = 0;
            long lastReceipts = 0;
            long lastTick = start;
            Histogram total = new Histogram(3);
            while (!done.await(1, TimeUnit.SECONDS) || (receipts && receiptCount.sum() < accepted.sum())) {
                long now = System.nanoTime();
                Histogram interval = latency.getIntervalHistogram();
                total.add(interval);
                double seconds = (now - lastTick) / 1e9;
                System.out.printf("accepted %,9d (%,8.0f/s)  receipts %,9d (%,8.0f/s)  submit p50 %.2f ms p99 %.2f ms%n",
                        accepted.sum(), (accepted.sum() - lastAccepted) / seconds, receiptCount.sum(),
                        (receiptCount.sum() - lastReceipts) / seconds, interval.getValueAtPercentile(50) / 1e6,
                        interval.getValueAtPercentile(99) / 1e6);
                lastAccepted = accepted.sum();
                lastReceipts = receiptCount.sum();
                lastTick = now;
                if (receipts && done.getCount() == 0 && (now - start) > TimeUnit.MINUTES.toNanos(10)) {
                    break;
                }
            }
            total.add(latency.getIntervalHistogram());
            double elapsed = (System.nanoTime() - start) / 1e9;
            System.out.printf("%nTOTAL %,d accepted, %,d receipts in %.1f s: %,.0f msg/s accepted, %,.0f receipts/s%n",
                    accepted.sum(), receiptCount.sum(), elapsed, accepted.sum() / elapsed, receiptCount.sum() / elapsed);
            System.out.printf("submit_sm -> submit_sm_resp latency: p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms%n",
                    total.getValueAtPercentile(50) / 1e6, total.getValueAtPercentile(99) / 1e6,
                    total.getValueAtPercentile(99.9) / 1e6, total.getMaxValue() / 1e6);
            refused.forEach((status, count) -> System.out.printf("refused %s: %,d%n", CommandStatus.name(status), count.sum()));
            return 0;
        } finally {
            channels.forEach(Channel::close);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    /** One bind: keeps {@code window} submits in flight (or paces them at {@code perSecond}). */
    private final class Session extends ChannelInboundHandlerAdapter {
        private final CountDownLatch done;
        private final int perSecond;
        private final long[] sentAt = new long[1 << 16];
        private ChannelHandlerContext ctx;
        private int sequence;
        private int inFlight;
        private boolean finished;
        private long paceStart;
        private long paced;

        Session(CountDownLatch done, int perSecond) {
            this.done = done;
            this.perSecond = perSecond;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            this.ctx = ctx;
            ctx.writeAndFlush(new Pdu.Bind(BindType.TRANSCEIVER, ++sequence, systemId, password, "", (byte) 0x34, (byte) 0,
                    (byte) 0, ""));
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Pdu.BindResp resp) {
                if (resp.commandStatus() != 0) {
                    System.err.println("bind refused: " + CommandStatus.name(resp.commandStatus()));
                    finish();
                    return;
                }
                paceStart = System.nanoTime();
                if (perSecond > 0) {
                    ctx.executor().scheduleAtFixedRate(this::fill, 1, 1, TimeUnit.MILLISECONDS);
                } else {
                    fill();
                }
            } else if (msg instanceof Pdu.SubmitSmResp resp) {
                inFlight--;
                latency.recordValue(Math.max(1, System.nanoTime() - sentAt[resp.sequenceNumber() & 0xFFFF]));
                if (resp.commandStatus() == 0) {
                    accepted.increment();
                } else {
                    refused.computeIfAbsent(resp.commandStatus(), s -> new LongAdder()).increment();
                }
                if (perSecond == 0) {
                    fill();
                }
                if (remaining.get() <= 0 && inFlight == 0) {
                    finish();
                }
            } else if (msg instanceof Pdu.DeliverSm deliver) {
                if ((deliver.esmClass() & 0x3C) == 0x04) {
                    receiptCount.increment();
                }
                ctx.write(new Pdu.DeliverSmResp(deliver.sequenceNumber(), 0));
            } else if (msg instanceof Pdu.EnquireLink link) {
                ctx.write(new Pdu.EnquireLinkResp(link.sequenceNumber(), 0));
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        private void fill() {
            long allowed = perSecond == 0 ? Long.MAX_VALUE
                    : (System.nanoTime() - paceStart) * perSecond / 1_000_000_000L - paced;
            boolean wrote = false;
            while (inFlight < window && allowed-- > 0 && remaining.getAndDecrement() > 0) {
                int seq = ++sequence;
                sentAt[seq & 0xFFFF] = System.nanoTime();
                inFlight++;
                paced++;
                ctx.write(submit(seq));
                wrote = true;
            }
            if (remaining.get() < 0) {
                remaining.set(0);
            }
            if (wrote) {
                ctx.flush();
            } else if (remaining.get() == 0 && inFlight == 0) {
                finish(); // the others sent the last messages while this bind had none in flight
            }
        }

        private Pdu.SubmitSm submit(int seq) {
            String to = "4790" + String.format("%07d", seq % 10_000_000);
            return Pdu.SubmitSm.builder().sequenceNumber(seq).source(new SmppAddress((byte) 5, (byte) 0, "EbbLoad"))
                    .destination(new SmppAddress((byte) 1, (byte) 1, to)).registeredDelivery(receipts ? 1 : 0)
                    .shortMessage("Load test message 0123456789".getBytes(StandardCharsets.ISO_8859_1)).build();
        }

        private void finish() {
            if (!finished) {
                finished = true;
                done.countDown();
            }
        }
    }
}
