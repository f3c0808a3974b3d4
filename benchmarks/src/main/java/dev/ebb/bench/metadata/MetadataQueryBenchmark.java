package dev.ebb.bench.metadata;

import dev.ebb.metadata.MetadataStore;
import dev.ebb.metadata.MetadataStoreConfig;
import dev.ebb.metadata.QueryPage;
import dev.ebb.metadata.TrafficQuery;
import dev.ebb.metadata.TrafficRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Latency of a retention query by MSISDN over a store of {@code size} records (sample mode: look at p99). Each
 * destination has four records (one message's life), the index is the only access path (no scan).
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g",
    "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED", "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
    "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "-Dchronicle.analytics.disable=true", "-Dchronicle.announcer.disable=true"})
@State(Scope.Benchmark)
public class MetadataQueryBenchmark {
    private static final int SIZE = 4_000_000;

    private Path dir;
    private MetadataStore store;
    private Instant from;
    private Instant to;
    private int next;

    /** Fills a store with {@value #SIZE} records. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("ebb-meta-query-bench");
        store = MetadataStore.open(dir, MetadataStoreConfig.defaults(), Clock.systemUTC());
        Instant now = Instant.now();
        TrafficRecord[] records = MetadataAppendBenchmark.records(now);
        for (int i = 0; i < SIZE; i++) {
            store.append(records[i % records.length]);
        }
        from = now.minus(Duration.ofHours(1));
        to = now.plus(Duration.ofHours(1));
    }

    /** Closes the store and deletes its files. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        store.close();
        MetadataAppendBenchmark.delete(dir);
    }

    /** One query for one destination (about {@code 4 * SIZE / 65536} hits). */
    @Benchmark
    public QueryPage queryByMsisdn() {
        String number = "+4790" + String.format("%06d", next++ & 16_383);
        return store.query(TrafficQuery.byMsisdn(number, TrafficQuery.Role.DESTINATION, from, to));
    }
}
