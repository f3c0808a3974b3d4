package dev.ebb.bench;

import dev.ebb.gateway.core.SmppAddress;
import dev.ebb.gateway.smpp.pdu.Pdu;
import dev.ebb.gateway.smpp.pdu.PduCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** The SMPP codec alone: a 160-character submit_sm encoded, and decoded, per operation. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx512m")
public class PduCodecBenchmark {
    private final PduCodec codec = new PduCodec(70_000);
    private Pdu.SubmitSm submit;
    private ByteBuf encoded;
    private ByteBuf scratch;

    @Setup(Level.Trial)
    public void setUp() {
        submit = Pdu.SubmitSm.builder().sequenceNumber(1).source(new SmppAddress((byte) 5, (byte) 0, "EbbBench"))
                .destination(SmppAddress.international("4790000001")).registeredDelivery(1)
                .shortMessage("x".repeat(160).getBytes(StandardCharsets.ISO_8859_1)).build();
        encoded = PooledByteBufAllocator.DEFAULT.buffer();
        codec.encode(submit, encoded);
        scratch = PooledByteBufAllocator.DEFAULT.buffer(512);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        encoded.release();
        scratch.release();
    }

    @Benchmark
    public int encodeSubmitSm() {
        scratch.clear();
        codec.encode(submit, scratch);
        return scratch.readableBytes();
    }

    @Benchmark
    public Pdu decodeSubmitSm() {
        encoded.readerIndex(0);
        return codec.decode(encoded);
    }
}
