package dev.ebb.bench.metadata;

import dev.ebb.metadata.Channel;
import dev.ebb.metadata.EventType;
import dev.ebb.metadata.MetadataStore;
import dev.ebb.metadata.MetadataStoreConfig;
import dev.ebb.metadata.SourceAddress;
import dev.ebb.metadata.TrafficRecord;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Single-thread append throughput of {@link MetadataStore} (target: at least 1,000,000 records/s). Records follow a
 * message's life (ACCEPTED, ROUTED, SUBMITTED, DELIVERED: four records per message sharing numbers and customer) over
 * 16,384 distinct destinations, so the per-day identifier cache sees a realistic mix rather than one number.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar MetadataAppendBenchmark} with the Chronicle JVM flags
 * of the parent POM.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m",
    "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED", "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
    "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "-Dchronicle.analytics.disable=true", "-Dchronicle.announcer.disable=true"})
@Threads(1)
@State(Scope.Benchmark)
public class MetadataAppendBenchmark {
    private static final int RECORDS = 1 << 16;
    private static final EventType[] LIFE = {EventType.ACCEPTED, EventType.ROUTED, EventType.SUBMITTED,
        EventType.DELIVERED};

    private Path dir;
    private MetadataStore store;
    private TrafficRecord[] records;
    private int next;

    /** Opens a fresh store and prepares the records (allocated once, outside the measurement). */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("ebb-meta-bench");
        store = MetadataStore.open(dir, MetadataStoreConfig.defaults(), Clock.systemUTC());
        records = records(Instant.now());
    }

    /** Closes the store and deletes its files. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        store.close();
        delete(dir);
    }

    /** One append. */
    @Benchmark
    public void append() {
        store.append(records[next++ & (RECORDS - 1)]);
    }

    static TrafficRecord[] records(Instant at) throws IOException {
        TrafficRecord[] out = new TrafficRecord[RECORDS];
        InetAddress ip = InetAddress.getByAddress(new byte[] {10, 1, 2, 3});
        for (int i = 0; i < RECORDS; i++) {
            int message = i / LIFE.length;
            out[i] = TrafficRecord.builder().eventType(LIFE[i % LIFE.length]).eventTime(at)
                    .messageId("ebb-" + Integer.toHexString(message)).customerId("customer-" + message % 10)
                    .channel(Channel.SMPP).systemId("esme" + message % 10).clientIp(ip)
                    .source(SourceAddress.alphanumeric("EBB")).destination("+4790" + String.format("%06d", message))
                    .route("simulator").smscMessageId(i % LIFE.length >= 2 ? "smsc-" + message : null).build();
        }
        return out;
    }

    static void delete(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
