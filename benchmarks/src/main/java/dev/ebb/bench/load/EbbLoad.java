package dev.ebb.bench.load;

import dev.ebb.gateway.smpp.pdu.SmppCodec;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ebb-load}: drives a running gateway as its customers do and reports accepted/s, end-to-end/s (receipt back)
 * and latency percentiles from HdrHistogram for submit → accept and submit → receipt.
 *
 * <ul>
 *   <li>{@code --mode smpp} binds transceivers with Ebb's own Netty codec (a jSMPP client tops out near 20 k/s here,
 *       far below what is measured), keeps a window of submit_sm in flight per bind (or paces them with
 *       {@code --rate}) and takes the receipts as deliver_sm;</li>
 *   <li>{@code --mode http} POSTs to {@code /v1/messages} over keep-alive connections, one request outstanding per
 *       connection, and runs the customer's receipt endpoint itself on loopback, so the callback path is measured
 *       too.</li>
 * </ul>
 */
@Command(name = "ebb-load", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Load generator: SMPP binds or HTTP POSTs, counts acceptances and receipts, reports rates and "
                + "latency percentiles.")
public final class EbbLoad implements Callable<Integer> {
    enum Mode { smpp, http }

    @Option(names = "--mode", defaultValue = "smpp", description = "smpp or http (default: ${DEFAULT-VALUE})")
    Mode mode;
    @Option(names = "--host", defaultValue = "127.0.0.1") String host;
    @Option(names = "--port", description = "the gateway's SMPP port (default 2775) or HTTP API port (default 8080)")
    Integer port;
    @Option(names = "--messages", defaultValue = "500000", description = "messages in total (default: ${DEFAULT-VALUE})")
    long messages;
    @Option(names = "--duration", converter = DurationConverter.class,
            description = "send for this long instead of a number of messages: 30s, 5m, PT30S")
    Duration duration;
    @Option(names = "--rate", defaultValue = "0", description = "target msg/s over all connections (0 = as fast as possible)")
    int rate;
    @Option(names = "--no-receipts", description = "do not ask for or wait for receipts (SMPP: registered_delivery 0)")
    boolean noReceipts;
    @Option(names = "--receipt-wait", defaultValue = "30s", converter = DurationConverter.class,
            description = "after sending, wait for receipts until none came for this long (default: ${DEFAULT-VALUE})")
    Duration receiptWait;
    @Option(names = "--threads", defaultValue = "1", description = "client event-loop threads") int threads;

    @Option(names = "--system-id", defaultValue = "demo", description = "SMPP: the customer's system_id") String systemId;
    @Option(names = "--password", defaultValue = "demo1234", description = "SMPP: its password") String password;
    @Option(names = "--binds", defaultValue = "4", description = "SMPP: transceiver binds") int binds;
    @Option(names = "--window", defaultValue = "256", description = "SMPP: outstanding submit_sm per bind") int window;

    @Option(names = "--connections", defaultValue = "32", description = "HTTP: keep-alive connections") int connections;
    @Option(names = "--api-key", defaultValue = "demo-api-key", description = "HTTP: the customer's API key") String apiKey;
    @Option(names = "--batch", defaultValue = "1", description = "HTTP: recipients per POST, 1..1000 (over 1: 'to' as"
            + " an array); --messages, --rate and every count are recipients (default: ${DEFAULT-VALUE})") int batch;
    @Option(names = "--receipt-host", defaultValue = "127.0.0.1", description = "HTTP: where the receipt sink listens")
    String receiptHost;
    @Option(names = "--receipt-port", defaultValue = "9000",
            description = "HTTP: the receipt sink's port; the customer's receiptUrl must point there (0: any free port)")
    int receiptPort;

    private PrintStream out = System.out;

    public static void main(String[] args) {
        System.exit(new CommandLine(new EbbLoad()).execute(args));
    }

    /** A run configured from command-line arguments, for tools and tests that drive it in-process. */
    public static EbbLoad of(String... args) {
        return CommandLine.populateCommand(new EbbLoad(), args);
    }

    /** Where the progress lines and the report go (default: standard out). */
    public EbbLoad printingTo(PrintStream stream) {
        this.out = stream;
        return this;
    }

    @Override
    public Integer call() throws Exception {
        Report report = run(url -> { });
        report.print(out);
        return report.accepted() > 0 ? 0 : 1;
    }

    /**
     * Runs the load and returns what it measured.
     *
     * @param receiptUrl told the receipt sink's URL once it listens (HTTP mode with receipts)
     */
    public Report run(java.util.function.Consumer<String> receiptUrl) throws InterruptedException {
        boolean receipts = !noReceipts;
        LoadStats stats = new LoadStats();
        long start = System.nanoTime();
        Budget budget = new Budget(duration == null ? messages : Long.MAX_VALUE,
                duration == null ? Long.MAX_VALUE : start + duration.toNanos());
        int sessions = mode == Mode.smpp ? binds : connections;
        if (mode == Mode.http && (batch < 1 || batch > 1000)) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--batch must be 1..1000, was " + batch);
        }
        int perPost = mode == Mode.http ? batch : 1;
        // Paced in requests: a batch of N counts N recipients towards --rate.
        int perSession = rate == 0 ? 0 : Math.max(1, rate / sessions / perPost);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
        CountDownLatch done = new CountDownLatch(sessions);
        Run run = new Run(budget, stats, done, receipts);
        List<Channel> channels = new ArrayList<>();
        ReceiptServer sink = null;
        try {
            Supplier<ChannelHandler[]> handlers;
            if (mode == Mode.smpp) {
                handlers = () -> new ChannelHandler[] {new SmppCodec(1 << 20),
                        new SmppSession(systemId, password, window, run, perSession)};
            } else {
                if (receipts) {
                    sink = ReceiptServer.start(group, receiptHost, receiptPort, stats);
                    out.printf("receipt sink at %s; the customer needs   receiptUrl: %s   (and allowPrivateCallbacks:"
                            + " true on loopback)%n", sink.url(), sink.url());
                    receiptUrl.accept(sink.url());
                }
                AtomicLong destinations = new AtomicLong();
                String hostHeader = host + ":" + port();
                // A batch's answer lists every recipient's result: ~60 bytes each.
                handlers = () -> new ChannelHandler[] {new HttpClientCodec(), new HttpObjectAggregator(1 << 20),
                        new HttpSession(hostHeader, apiKey, run, perSession, destinations, batch)};
            }
            for (int i = 0; i < sessions; i++) {
                ChannelHandler[] pipeline = handlers.get();
                channels.add(new Bootstrap().group(group).channel(NioSocketChannel.class)
                        .option(ChannelOption.TCP_NODELAY, true)
                        .handler(new ChannelInitializer<SocketChannel>() {
                            @Override
                            protected void initChannel(SocketChannel ch) {
                                ch.pipeline().addLast(pipeline);
                            }
                        }).connect(host, port()).sync().channel());
            }
            return measure(stats, done, receipts, start);
        } finally {
            channels.forEach(Channel::close);
            if (sink != null) {
                sink.close();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private int port() {
        return port != null ? port : mode == Mode.smpp ? 2775 : 8080;
    }

    /** Prints a line a second until every connection is done and, with receipts, until they stop coming. */
    private Report measure(LoadStats stats, CountDownLatch done, boolean receipts, long start) throws InterruptedException {
        Histogram accept = new Histogram(3);
        Histogram receipt = new Histogram(3);
        long lastAccepted = 0;
        long lastReceipts = 0;
        long lastTick = start;
        long sendingEnded = 0;
        long lastProgress = start;
        while (true) {
            boolean sendingDone = done.await(1, TimeUnit.SECONDS);
            long now = System.nanoTime();
            if (sendingDone && sendingEnded == 0) {
                sendingEnded = now;
            }
            Histogram acceptInterval = stats.acceptLatency.getIntervalHistogram();
            Histogram receiptInterval = stats.receiptLatency.getIntervalHistogram();
            accept.add(acceptInterval);
            receipt.add(receiptInterval);
            long acceptedNow = stats.accepted.sum();
            long receiptsNow = stats.receipts.sum();
            double seconds = (now - lastTick) / 1e9;
            out.printf("accepted %,9d (%,8.0f/s)  receipts %,9d (%,8.0f/s)  accept p50 %.2f p99 %.2f ms  "
                            + "receipt p50 %.1f p99 %.1f ms%n", acceptedNow, (acceptedNow - lastAccepted) / seconds,
                    receiptsNow, (receiptsNow - lastReceipts) / seconds, millis(acceptInterval, 50),
                    millis(acceptInterval, 99), millis(receiptInterval, 50), millis(receiptInterval, 99));
            if (receiptsNow != lastReceipts || acceptedNow != lastAccepted) {
                lastProgress = now;
            }
            lastAccepted = acceptedNow;
            lastReceipts = receiptsNow;
            lastTick = now;
            if (sendingDone && (!receipts || receiptsNow >= acceptedNow
                    || now - lastProgress > receiptWait.toNanos())) {
                break;
            }
        }
        accept.add(stats.acceptLatency.getIntervalHistogram());
        receipt.add(stats.receiptLatency.getIntervalHistogram());
        long lastReceipt = stats.lastReceiptAt.get();
        double acceptSeconds = (sendingEnded - start) / 1e9;
        double endToEndSeconds = stats.receipts.sum() == 0 ? 0 : (lastReceipt - start) / 1e9;
        Map<String, Long> refused = new TreeMap<>();
        stats.refused.forEach((status, count) -> refused.put(status, count.sum()));
        return new Report(mode.name(), stats.sent.sum(), stats.accepted.sum(), stats.receipts.sum(),
                Collections.unmodifiableMap(refused), acceptSeconds, endToEndSeconds, accept, receipt);
    }

    private static double millis(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1e6;
    }

    /**
     * What a run measured.
     *
     * @param acceptSeconds   from the start until the last answer to a submit
     * @param endToEndSeconds from the start until the last receipt (0 without receipts)
     * @param acceptLatency   submit → submit_sm_resp / 202, nanoseconds
     * @param receiptLatency  submit → receipt (deliver_sm / callback POST), nanoseconds
     */
    public record Report(String mode, long sent, long accepted, long receipts, Map<String, Long> refused,
                         double acceptSeconds, double endToEndSeconds, Histogram acceptLatency,
                         Histogram receiptLatency) {

        void print(PrintStream out) {
            out.printf("%nTOTAL (%s) %,d sent, %,d accepted in %.1f s: %,.0f accepted/s; %,d receipts in %.1f s: "
                            + "%,.0f end-to-end/s%n", mode, sent, accepted, acceptSeconds,
                    acceptSeconds == 0 ? 0 : accepted / acceptSeconds, receipts, endToEndSeconds,
                    endToEndSeconds == 0 ? 0 : receipts / endToEndSeconds);
            out.println("submit -> accept  " + percentiles(acceptLatency));
            out.println("submit -> receipt " + percentiles(receiptLatency));
            refused.forEach((status, count) -> out.printf("refused %s: %,d%n", status, count));
        }

        private static String percentiles(Histogram h) {
            if (h.getTotalCount() == 0) {
                return "(none)";
            }
            return String.format("p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms (%,d)",
                    h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(90) / 1e6, h.getValueAtPercentile(99) / 1e6,
                    h.getValueAtPercentile(99.9) / 1e6, h.getMaxValue() / 1e6, h.getTotalCount());
        }
    }

    /** 30s, 5m, 100ms or ISO-8601 (PT30S). */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.trim().toLowerCase(java.util.Locale.ROOT);
            if (v.startsWith("pt")) {
                return Duration.parse(value);
            }
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            long n = Long.parseLong(v.substring(0, v.length() - 1));
            return switch (v.charAt(v.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> throw new CommandLine.TypeConversionException("not a duration: " + value
                        + " (30s, 5m, 100ms or PT30S)");
            };
        }
    }
}
