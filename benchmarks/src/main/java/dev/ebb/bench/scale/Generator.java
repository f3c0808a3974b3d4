package dev.ebb.bench.scale;

import dev.ebb.metadata.Channel;
import dev.ebb.metadata.EventType;
import dev.ebb.metadata.MetadataStore;
import dev.ebb.metadata.MetadataStoreConfig;
import dev.ebb.metadata.SourceAddress;
import dev.ebb.metadata.TrafficRecord;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.LongConsumer;

/**
 * Writes a year of traffic through the store's own appender: {@code records / 4} messages spread evenly over
 * {@code days} UTC days, each message's life four records (ACCEPTED, SUBMITTED, DELIVERED, RECEIPT_FORWARDED) with the
 * store clock moved to each message's time, so the store signs a head a minute and rolls at midnight as it does in
 * production. Destinations are skewed: {@value #TARGETS} target numbers get about {@value #TARGET_MESSAGES} messages
 * each over the run (≈ 960 records: the "≤ 1,000 hits" queries), {@value #HOT} hot numbers about
 * {@value #HOT_MESSAGES} each (≈ 10,000 records), the rest are drawn uniformly from a pool of numbers (a few
 * messages each). Days go one after the other (the signed chain links each day to the one before, and Chronicle
 * appends to its latest cycle only), so the parallelism is a producer thread building the records while the
 * calling thread appends them and the store's index thread sorts segments.
 */
final class Generator {
    static final int TARGETS = 100;
    static final int TARGET_MESSAGES = 240;
    static final int HOT = 10;
    static final int HOT_MESSAGES = 2_500;
    static final int SAMPLED_IDS = 1_000;
    private static final int LIFE = 4;
    private static final int BATCH_MESSAGES = 4_096;
    private static final int CUSTOMERS = 50;
    private static final String[] ROUTES = {"telenor", "telia", "ice", "lyca", "simulator"};
    private static final Batch END = new Batch(new TrafficRecord[0], new long[0]);

    private final LocalDate firstDay;
    private final int days;
    private final long messages;
    private final long seed;
    private final String[] targets = new String[TARGETS];
    private final String[] hot = new String[HOT];
    private final int[] targetCounts = new int[TARGETS];
    private final int[] hotCounts = new int[HOT];
    private final List<String> sampledIds = new ArrayList<>();
    private final int pool;
    private final double pTarget;
    private final double pHot;
    private final InetAddress[] clientIps = new InetAddress[CUSTOMERS];

    Generator(LocalDate firstDay, int days, long records, long seed) {
        this.firstDay = firstDay;
        this.days = days;
        this.messages = records / LIFE;
        this.seed = seed;
        for (int i = 0; i < TARGETS; i++) {
            targets[i] = "+4799" + String.format("%06d", i);
        }
        for (int i = 0; i < HOT; i++) {
            hot[i] = "+4798" + String.format("%06d", i);
        }
        this.pool = (int) Math.max(10_000, Math.min(5_000_000, messages / 5));
        this.pTarget = Math.min(0.2, (double) TARGETS * TARGET_MESSAGES / messages);
        this.pHot = Math.min(0.2, (double) HOT * HOT_MESSAGES / messages);
        for (int c = 0; c < CUSTOMERS; c++) {
            try {
                clientIps[c] = InetAddress.getByAddress(new byte[] {10, 20, (byte) c, 7});
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * Writes every record into the store at {@code metadataDir} and returns what it wrote.
     *
     * @param progress told the records written so far, now and then
     */
    Manifest run(Path metadataDir, LongConsumer progress) throws InterruptedException {
        SettableClock clock = new SettableClock(firstDay.toEpochDay() * 86_400_000L);
        BlockingQueue<Batch> batches = new ArrayBlockingQueue<>(8);
        Thread producer = new Thread(() -> produce(batches), "year-store-producer");
        producer.setDaemon(true);
        long written = 0;
        try (MetadataStore store = MetadataStore.open(metadataDir, MetadataStoreConfig.defaults(), clock)) {
            producer.start();
            for (Batch b = batches.take(); b != END; b = batches.take()) {
                for (int i = 0; i < b.records.length; i++) {
                    clock.set(b.clock[i]);
                    store.append(b.records[i]);
                }
                written += b.records.length;
                progress.accept(written);
            }
        }
        producer.join();
        Map<String, Integer> t = new LinkedHashMap<>();
        for (int i = 0; i < TARGETS; i++) {
            t.put(targets[i], targetCounts[i] * LIFE);
        }
        Map<String, Integer> h = new LinkedHashMap<>();
        for (int i = 0; i < HOT; i++) {
            h.put(hot[i], hotCounts[i] * LIFE);
        }
        return new Manifest(firstDay, days, written, t, h, sampledIds);
    }

    private void produce(BlockingQueue<Batch> out) {
        SplittableRandom random = new SplittableRandom(seed);
        long perDay = messages / days;
        long sampleEvery = Math.max(1, messages / SAMPLED_IDS);
        long m = 0;
        try {
            for (int d = 0; d < days; d++) {
                long dayStart = firstDay.plusDays(d).toEpochDay() * 86_400_000L;
                long inDay = d == days - 1 ? messages - perDay * (days - 1L) : perDay;
                // Spread over the day, ending 4 s before midnight so each message's life stays in its day.
                double spacing = (86_400_000.0 - 4_000) / Math.max(1, inDay);
                for (long k = 0; k < inDay; k += BATCH_MESSAGES) {
                    int n = (int) Math.min(BATCH_MESSAGES, inDay - k);
                    Batch b = new Batch(new TrafficRecord[n * LIFE], new long[n * LIFE]);
                    for (int i = 0; i < n; i++, m++) {
                        long t = dayStart + (long) ((k + i) * spacing);
                        message(random, m, t, b, i * LIFE, m % sampleEvery == 0 && sampledIds.size() < SAMPLED_IDS);
                    }
                    out.put(b);
                }
            }
            out.put(END);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void message(SplittableRandom random, long m, long t, Batch b, int at, boolean sample) {
        double r = random.nextDouble();
        String destination;
        if (r < pTarget) {
            int i = random.nextInt(TARGETS);
            targetCounts[i]++;
            destination = targets[i];
        } else if (r < pTarget + pHot) {
            int i = random.nextInt(HOT);
            hotCounts[i]++;
            destination = hot[i];
        } else {
            destination = "+47" + (40_000_000 + random.nextInt(pool));
        }
        int customer = (int) Math.min(CUSTOMERS - 1, (long) (-Math.log(1 - random.nextDouble()) * 8));
        SourceAddress source = random.nextInt(10) == 0
                ? SourceAddress.international("+47" + (40_000_000 + random.nextInt(pool)))
                : SourceAddress.alphanumeric("Cust" + customer);
        String id = messageId(t, m);
        if (sample) {
            sampledIds.add(id);
        }
        boolean smpp = customer % 3 != 0;
        String route = ROUTES[customer % ROUTES.length];
        String smscId = Long.toHexString(random.nextLong());
        TrafficRecord.Builder base = TrafficRecord.builder().messageId(id).customerId("customer-" + customer)
                .channel(smpp ? Channel.SMPP : Channel.HTTP).systemId(smpp ? "esme" + customer : null)
                .clientIp(clientIps[customer]).source(source).destination(destination);
        EventType[] life = {EventType.ACCEPTED, EventType.SUBMITTED, EventType.DELIVERED,
            EventType.RECEIPT_FORWARDED};
        long[] offsets = {0, 40, 2_500, 2_600};
        for (int i = 0; i < LIFE; i++) {
            b.records[at + i] = base.eventType(life[i]).eventTime(Instant.ofEpochMilli(t + offsets[i]))
                    .route(i == 0 ? null : route).smscMessageId(i == 0 ? null : smscId).build();
            b.clock[at + i] = t + offsets[i];
        }
    }

    /** Shaped like Ebb's own ids (MessageIdGenerator): 20 base-36 characters, time-ordered. */
    private static String messageId(long t, long m) {
        String seq = Long.toString(((t - 1_704_067_200_000L) << 20) | (m & 0xFFFFF), 36);
        String s = "0".repeat(Math.max(0, 13 - seq.length())) + seq + "ebbscal";
        return s.substring(s.length() - 20);
    }

    private record Batch(TrafficRecord[] records, long[] clock) {
    }
}
