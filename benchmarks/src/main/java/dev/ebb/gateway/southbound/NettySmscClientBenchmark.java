package dev.ebb.gateway.southbound;

import dev.ebb.gateway.config.SimulatorConfig;
import dev.ebb.gateway.config.SmscClient;
import dev.ebb.gateway.core.OutboundMessage;
import dev.ebb.gateway.core.SmppAddress;
import dev.ebb.gateway.route.Outbound;
import dev.ebb.gateway.smpp.pdu.PduCodec;
import dev.ebb.gateway.southbound.simulator.HandsetSimulator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Ebb's own SMSC client (issue 12): {@code encodeSubmitSm} is the per-message work of the feeder (the submit_sm built
 * from the vault's message, as {@link NettySmscBind#submitSm}, and the codec's bytes); {@code submitAndCorrelate} is
 * the whole client on loopback against the embedded simulator: {@value #BATCH} messages through the connector's
 * queue, window and sequence correlation to their completed futures, per invocation (receipts off: the simulator
 * answers only). In this package, not {@code dev.ebb.bench}, for the package-private encoder.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx512m")
public class NettySmscClientBenchmark {
    static final int BATCH = 2_000;

    @Param({"64"})
    public int window;

    @Param({"netty"})
    public String client;

    private final PduCodec codec = new PduCodec(70_000);
    private OutboundMessage message;
    private ByteBuf scratch;
    private EventLoopGroup simulatorLoop;
    private HandsetSimulator simulator;
    private SmscConnector connector;
    private int sequence;

    @Setup(Level.Trial)
    public void setUp() {
        message = OutboundMessage.builder("bench", "demo").source(new SmppAddress((byte) 5, (byte) 0, "EbbBench"))
                .destination(SmppAddress.international("4790000001"))
                .shortMessage("x".repeat(160).getBytes(StandardCharsets.ISO_8859_1)).build();
        scratch = PooledByteBufAllocator.DEFAULT.buffer(512);
        simulatorLoop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        simulator = HandsetSimulator.start(new SimulatorConfig(true, "127.0.0.1", 0, "ebb", "ebb", Duration.ofHours(1),
                List.of()), simulatorLoop, Clock.systemUTC(), new Random(1));
        connector = new SmscConnector(new dev.ebb.gateway.config.ConnectorConfig("bench", "127.0.0.1", simulator.port(),
                "ebb", "ebb", null, 1, window, 0, null, 0, SmscClient.of(client), null, null, null), d -> 0,
                Clock.systemUTC()).start();
        while (connector.boundSessions() == 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        connector.close();
        simulator.close();
        simulatorLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        scratch.release();
    }

    @Benchmark
    public int encodeSubmitSm() {
        scratch.clear();
        codec.encode(NettySmscBind.submitSm(++sequence & 0x7FFFFFFF | 1, message), scratch);
        return scratch.readableBytes();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Object submitAndCorrelate() {
        CompletableFuture<?>[] results = new CompletableFuture<?>[BATCH];
        Outbound outbound = Outbound.of(message);
        for (int i = 0; i < BATCH; i++) {
            results[i] = connector.submit(outbound);
        }
        return CompletableFuture.allOf(results).join();
    }
}
