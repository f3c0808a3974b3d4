package dev.ebb.bench;

import dev.ebb.gateway.config.ContentConfig;
import dev.ebb.gateway.privacy.ContentVault;
import dev.ebb.gateway.privacy.KeyRing;
import dev.ebb.gateway.privacy.VaultHandle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of {@link ContentVault#put} (encrypt + durable append of one sealed message) and of expiring a bucket of
 * one million messages (one key destruction + one file deletion; target ≤ 10 ms, DESIGN.md).
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar ContentVaultBenchmark} (or through the JMH runner on the
 * benchmarks classpath). Files go to a temporary directory that is deleted afterwards; the put benchmark expires
 * what it wrote after every iteration so the disk does not fill.
 */
@Fork(value = 1, jvmArgsAppend = "-Xmx512m")
public class ContentVaultBenchmark {
    private static final ContentConfig CONFIG = new ContentConfig(Duration.ofHours(72), Duration.ofHours(1));
    private static final Instant START = Instant.parse("2026-03-02T10:00:00Z");

    /** A vault on real files with a clock the benchmark moves. */
    @State(Scope.Benchmark)
    public static class Vault {
        /** A typical sealed message: addresses, flags and a 140-octet short_message. */
        @Param("200")
        int sealedBytes;

        byte[] sealed;
        Path dir;
        SteppedClock clock;
        ContentVault vault;

        @Setup(Level.Trial)
        public void open() throws IOException {
            sealed = new byte[sealedBytes];
            new Random(42).nextBytes(sealed);
            dir = Files.createTempDirectory("ebb-vault-bench");
            clock = new SteppedClock(START);
            vault = ContentVault.open(dir.resolve("content"), KeyRing.open(dir.resolve("keys")), CONFIG, clock);
        }

        /** Moves one retention on and expires everything written, so each iteration starts on an empty disk. */
        @TearDown(Level.Iteration)
        public void expireWritten() {
            clock.advance(CONFIG.retention());
            vault.expireDue();
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            vault.close();
            deleteRecursively(dir);
        }
    }

    /** Message ids unique per thread, as the gateway's are. */
    @State(Scope.Thread)
    public static class MessageIds {
        private final String prefix = "bench-" + Thread.currentThread().getId() + "-";
        private long next;

        String next() {
            return prefix + next++;
        }
    }

    /** A vault holding one bucket of {@link #messages} messages of one customer, due for expiry. */
    @State(Scope.Thread)
    public static class FullBucket {
        @Param("1000000")
        int messages;

        Path dir;
        SteppedClock clock;
        ContentVault vault;

        @Setup(Level.Iteration)
        public void fill() throws IOException {
            byte[] sealed = new byte[200];
            new Random(7).nextBytes(sealed);
            dir = Files.createTempDirectory("ebb-vault-expiry-bench");
            clock = new SteppedClock(START);
            vault = ContentVault.open(dir.resolve("content"), KeyRing.open(dir.resolve("keys")), CONFIG, clock);
            for (int i = 0; i < messages; i++) {
                vault.put("bench", "m" + i, sealed);
            }
            clock.advance(CONFIG.retention());
        }

        @TearDown(Level.Iteration)
        public void close() throws IOException {
            vault.close();
            deleteRecursively(dir);
        }
    }

    @Benchmark
    @BenchmarkMode({Mode.Throughput, Mode.SampleTime})
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 3, time = 5)
    @Measurement(iterations = 5, time = 5)
    public VaultHandle put(Vault v, MessageIds ids) {
        return v.vault.put("bench", ids.next(), v.sealed);
    }

    /** The same put from two threads at once (the gateway's event loops on the 2-core machine). */
    @Benchmark
    @Threads(2)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 3, time = 5)
    @Measurement(iterations = 5, time = 5)
    public VaultHandle putTwoThreads(Vault v, MessageIds ids) {
        return v.vault.put("bench", ids.next(), v.sealed);
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 1)
    @Measurement(iterations = 5)
    public int expireBucketOfOneMillion(FullBucket bucket) {
        return bucket.vault.expireDue();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** A clock moved only by the benchmark, so expiry is triggered without waiting 72 hours. */
    static final class SteppedClock extends Clock {
        private volatile Instant now;

        SteppedClock(Instant start) {
            this.now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("benchmarks run in UTC");
        }
    }
}
