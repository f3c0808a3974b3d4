package dev.ebb.bench;

import dev.ebb.gateway.core.MessageIdGenerator;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Id issue rate of {@link MessageIdGenerator}, single-threaded and with two threads sharing one generator
 * (the target is at least 10 M ids/s).
 *
 * <p>Run with the JMH runner ({@code org.openjdk.jmh.Main MessageIdGeneratorBenchmark}) on this module's classpath.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MessageIdGeneratorBenchmark {
    private final MessageIdGenerator ids = new MessageIdGenerator(Clock.systemUTC());

    @Benchmark
    public String next() {
        return ids.next();
    }

    @Benchmark
    @Threads(2)
    public String nextShared() {
        return ids.next();
    }
}
