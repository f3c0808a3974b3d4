package dev.ebb.bench.scale;

import dev.ebb.metadata.MetadataStore;
import dev.ebb.metadata.MetadataStoreConfig;
import dev.ebb.metadata.QueryPage;
import dev.ebb.metadata.TrafficQuery;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
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
 * Retention queries over a store written by {@code year-store generate} (issue 15), whole window: the year. Sample
 * mode, so the p99 is read off. The store is not built here (a year takes many minutes): pass its data directory with
 * {@code -Debb.scale.dir=DIR} (forwarded to the fork). Each query by MSISDN names one of the manifest's target numbers
 * (≈ 960 records each, below the 1,000-hit limit of one page); by message id one of a thousand ids spread over the
 * year.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g",
    "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED", "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
    "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "-Dchronicle.analytics.disable=true", "-Dchronicle.announcer.disable=true"})
@State(Scope.Benchmark)
public class YearStoreQueryBenchmark {
    private MetadataStore store;
    private List<String> numbers;
    private List<String> ids;
    private Instant from;
    private Instant to;
    private int next;

    /** Opens the generated store. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        String dir = System.getProperty("ebb.scale.dir");
        if (dir == null) {
            throw new IllegalStateException("pass -jvmArgsAppend -Debb.scale.dir=DIR (a year-store generate directory)");
        }
        Manifest m = Manifest.read(Path.of(dir));
        numbers = List.copyOf(m.targets().keySet());
        ids = m.messageIds();
        from = m.firstDay().atStartOfDay().toInstant(ZoneOffset.UTC);
        to = m.lastDay().plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        store = MetadataStore.open(Path.of(dir).resolve("metadata"), MetadataStoreConfig.defaults(), Clock.systemUTC());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        store.close();
    }

    /** All the records (≤ 1,000, one page) of one target number as destination, over the whole year. */
    @Benchmark
    public QueryPage byMsisdnOverTheYear() {
        return store.query(TrafficQuery.byMsisdn(numbers.get(next++ % numbers.size()), TrafficQuery.Role.DESTINATION,
                from, to));
    }

    /** The same number as source or destination (two index keys a day). */
    @Benchmark
    public QueryPage byMsisdnEitherRoleOverTheYear() {
        return store.query(TrafficQuery.byMsisdn(numbers.get(next++ % numbers.size()), TrafficQuery.Role.EITHER,
                from, to));
    }

    /** One message's records, its id looked up over the whole year. */
    @Benchmark
    public QueryPage byMessageIdOverTheYear() {
        return store.query(TrafficQuery.byMessageId(ids.get(next++ % ids.size()), from, to));
    }
}
