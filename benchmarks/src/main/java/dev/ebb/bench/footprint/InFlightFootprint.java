package dev.ebb.bench.footprint;

import dev.ebb.bench.load.EbbLoad;
import dev.ebb.gateway.Main;
import dev.ebb.gateway.config.ConfigLoader;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.management.ObjectName;

/**
 * What one message costs the gateway's heap while it is queued (accepted, waiting for a connector: the SMSC is
 * unreachable) and while it is in flight (submitted, awaiting its receipt: the SMSC answers every submit_sm and never
 * sends a receipt). A gateway is started in-process from {@code benchmarks/ingest.yaml}; {@code ebb-load} submits a
 * warm-up batch, then {@code --messages} more over SMPP; the live heap (the JVM's class histogram, each taken after a
 * full GC) is compared between the two points, so fixed costs (pools, JIT, buffers) cancel out. Prints bytes per
 * message and the classes that hold them.
 *
 * <pre>java @gateway/target/jvm.args -Xmx1g -cp benchmarks/target/benchmarks.jar dev.ebb.bench.footprint.InFlightFootprint</pre>
 */
public final class InFlightFootprint {
    private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

    private InFlightFootprint() {
    }

    public static void main(String[] args) throws Exception {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int warmUp = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (SilentSmsc smsc = SilentSmsc.start(group)) {
            measure("queued (accepted; the SMSC is unreachable)", freePort(), "ebb_southbound_queued", messages, warmUp);
            measure("in flight (submitted; awaiting the SMSC's receipt)", smsc.port(), "ebb_receipts_awaiting", messages,
                    warmUp);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static void measure(String what, int smscPort, String gauge, int messages, int warmUp) throws Exception {
        Path dir = Files.createTempDirectory("ebb-footprint");
        try (Main.Running gateway = start(dir, smscPort)) {
            send(gateway, warmUp);
            awaitGauge(gateway, gauge, warmUp);
            Map<String, long[]> before = histogram();
            long heapBefore = heapUsed();
            send(gateway, messages);
            awaitGauge(gateway, gauge, warmUp + messages);
            Map<String, long[]> after = histogram();
            long heapAfter = heapUsed();
            report(what, messages, before, after, heapAfter - heapBefore);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** The ingest benchmark's config, on free ports, a fresh data directory and the given SMSC port. */
    private static Main.Running start(Path dir, int smscPort) throws IOException, InterruptedException {
        String yaml = Files.readString(Path.of("benchmarks/ingest.yaml"))
                .replace("dataDir: data-bench-ingest", "dataDir: " + dir.resolve("data"))
                .replaceAll("port: (2775|8080|8081|9464|2776)\\b", "port: 0")
                .replace("port: 2799", "port: " + smscPort);
        return Main.start(new ConfigLoader().read(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)),
                "ingest.yaml"), Clock.systemUTC());
    }

    private static void send(Main.Running gateway, int messages) throws InterruptedException {
        EbbLoad.Report report = EbbLoad.of("--port", Integer.toString(gateway.smppPort()), "--binds", "4",
                "--window", "256", "--no-receipts", "--messages", Integer.toString(messages))
                .printingTo(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).run(url -> { });
        if (report.accepted() != messages) {
            throw new IllegalStateException(messages + " sent, " + report.accepted() + " accepted: " + report.refused());
        }
    }

    /** Waits until the gateway's own gauge counts every message in the state measured. */
    private static void awaitGauge(Main.Running gateway, String gauge, long expected) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI metrics = URI.create("http://127.0.0.1:" + gateway.metricsPort() + "/metrics");
        Pattern line = Pattern.compile("(?m)^" + gauge + "(\\{[^}]*})? ([0-9.E+]+)$");
        double value = -1;
        for (int i = 0; i < 600; i++) {
            Matcher m = line.matcher(http.send(HttpRequest.newBuilder(metrics).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            value = m.find() ? Double.parseDouble(m.group(2)) : -1;
            if (value >= expected) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(gauge + " is " + value + ", expected " + expected);
    }

    /** Live objects by class, {instances, bytes}, after a full GC (GC.class_histogram). */
    private static Map<String, long[]> histogram() throws Exception {
        String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {null}, new String[] {String[].class.getName()});
        Map<String, long[]> byClass = new HashMap<>();
        for (String row : text.split("\n")) {
            Matcher m = ROW.matcher(row);
            if (m.find()) {
                byClass.put(m.group(3), new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))});
            }
        }
        return byClass;
    }

    private static long heapUsed() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void report(String what, int messages, Map<String, long[]> before, Map<String, long[]> after,
                               long heapGrowth) {
        Map<String, long[]> growth = new HashMap<>();
        after.forEach((cls, a) -> {
            long[] b = before.getOrDefault(cls, new long[2]);
            growth.put(cls, new long[] {a[0] - b[0], a[1] - b[1]});
        });
        long bytes = growth.values().stream().mapToLong(g -> g[1]).sum();
        System.out.printf("%n%s, %,d messages: %,.0f bytes/message of live objects (heap used after GC: %,.0f)%n",
                what, messages, (double) bytes / messages, (double) heapGrowth / messages);
        System.out.println("  bytes/msg  objects/msg  class");
        growth.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1])).limit(20)
                .filter(e -> e.getValue()[1] >= messages / 2)
                .forEach(e -> System.out.printf("  %9.1f  %11.2f  %s%n", (double) e.getValue()[1] / messages,
                        (double) e.getValue()[0] / messages, e.getKey()));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
