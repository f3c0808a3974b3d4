package dev.ebb.bench.metadata;

import dev.ebb.metadata.InclusionProof;
import dev.ebb.metadata.MetadataStore;
import dev.ebb.metadata.MetadataStoreConfig;
import dev.ebb.metadata.RecordRef;
import dev.ebb.metadata.TrafficRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The integrity proofs of one export page (100 records spread over a day of {@code size} records): one proof at a
 * time, as exports were built before, against the batch that reads the day's leaves and hashes its subtrees once.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g",
    "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED", "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
    "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "-Dchronicle.analytics.disable=true", "-Dchronicle.announcer.disable=true"})
@State(Scope.Benchmark)
public class InclusionProofBenchmark {
    private static final int PAGE = 100;

    @Param({"100000"})
    public int size;

    private Path dir;
    private MetadataStore store;
    private List<RecordRef> page;

    /** Fills one day with {@code size} records and picks a page spread over it. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("ebb-proof-bench");
        store = MetadataStore.open(dir, MetadataStoreConfig.defaults(), Clock.systemUTC());
        Instant now = Instant.now();
        TrafficRecord[] records = MetadataAppendBenchmark.records(now);
        for (int i = 0; i < size; i++) {
            store.append(records[i % records.length]);
        }
        store.signTreeHead();
        LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
        page = new ArrayList<>(PAGE);
        for (int i = 0; i < PAGE; i++) {
            page.add(new RecordRef(day, (long) i * (size / PAGE)));
        }
    }

    /** Closes the store and deletes its files. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        store.close();
        MetadataAppendBenchmark.delete(dir);
    }

    /** A page's proofs one by one: each reads the day's leaves and hashes the tree again. */
    @Benchmark
    public List<InclusionProof> oneByOne() {
        List<InclusionProof> proofs = new ArrayList<>(PAGE);
        for (RecordRef ref : page) {
            proofs.add(store.inclusionProof(ref));
        }
        return proofs;
    }

    /** A page's proofs as exports build them now. */
    @Benchmark
    public List<InclusionProof> batch() {
        return store.inclusionProofs(page);
    }
}
