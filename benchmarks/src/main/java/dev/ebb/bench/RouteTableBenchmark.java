package dev.ebb.bench;

import dev.ebb.gateway.config.RouteConfig;
import dev.ebb.gateway.route.RouteTable;
import dev.ebb.model.Msisdn;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Longest-prefix lookup in {@link RouteTable} for random E.164 destinations against tables of realistic
 * (10: one per country) to large (10,000: per-range carrier routing) size, with a default route.
 *
 * <p>Run with the JMH runner ({@code org.openjdk.jmh.Main RouteTableBenchmark}) on this module's classpath.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RouteTableBenchmark {
    /** Power of two so the index wraps with a mask. */
    private static final int DESTINATIONS = 1 << 14;

    @Param({"10", "1000", "10000"})
    public int routes;

    private RouteTable table;
    private Msisdn[] destinations;
    private int next;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(42);
        Map<String, RouteConfig> byPrefix = new LinkedHashMap<>();
        byPrefix.put("", new RouteConfig("", "default"));
        while (byPrefix.size() <= routes) {
            String prefix = digits(random, 1 + random.nextInt(6));
            byPrefix.putIfAbsent(prefix, new RouteConfig(prefix, "connector-" + random.nextInt(16)));
        }
        table = new RouteTable(new ArrayList<>(byPrefix.values()));
        destinations = new Msisdn[DESTINATIONS];
        for (int i = 0; i < DESTINATIONS; i++) {
            destinations[i] = Msisdn.parse("+" + (1 + random.nextInt(9)) + digits(random, 9 + random.nextInt(4)));
        }
    }

    @Benchmark
    public Optional<String> connectorFor() {
        return table.connectorFor(destinations[next++ & (DESTINATIONS - 1)]);
    }

    private static String digits(SplittableRandom random, int length) {
        StringBuilder digits = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            digits.append((char) ('0' + random.nextInt(10)));
        }
        return digits.toString();
    }
}
