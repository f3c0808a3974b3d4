package dev.ebb.gateway.cluster;

import dev.ebb.metadata.InclusionProof;
import dev.ebb.metadata.KeyWrapper;
import dev.ebb.metadata.MetadataStore;
import dev.ebb.metadata.RecordRef;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships this node's traffic records to the records topic ({@link RecordTopic}), the local metadata store being the
 * outbox: a tailer over the store with a durable position ({@code cluster/shipped} in the data directory). Accepting a
 * message never waits for Kafka — the append to the local store is what makes it durable — so a Kafka outage refuses
 * and loses nothing: the shipper retries with a growing pause and catches up from its position when Kafka is back.
 *
 * <p>Each batch is sent with an idempotent, {@code acks=all} producer and the position moves only once every entry of
 * it is acknowledged. A batch sent again after a failure (or after a crash before the position was written) may reach
 * the topic twice; readers keep the first of a record's (day, sequence) ({@link RecordReplica}).
 *
 * <p>Lag is exported as {@code ebb_cluster_shipper_lag_records} (stored, not yet acknowledged by Kafka) and {@code
 * ebb_cluster_shipper_lag_seconds} (how long ago everything stored was last known shipped, 0 when caught up).
 */
final class RecordShipper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RecordShipper.class);
    /** Records per batch: one signing of the day's head and one pass over its leaves each. */
    static final int BATCH = 1_000;
    private static final long IDLE_MS = 200;
    private static final long MAX_BACKOFF_MS = 5_000;
    private static final int DELIVERY_TIMEOUT_MS = 30_000;
    private static final RecordRef START = new RecordRef(LocalDate.EPOCH, 0);

    private final MetadataStore store;
    private final KafkaClients clients;
    private final KeyWrapper transit;
    private final String topic;
    private final Path positionFile;
    private final Clock clock;
    private final Thread thread;
    private final AtomicLong lagRecords = new AtomicLong();
    private final Counter shipped;
    private final Counter failures;
    private volatile boolean running = true;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private volatile long shippedUpToMillis;
    private volatile Producer<String, byte[]> producer;
    /** The day whose store and day keys the current producer has sent: a reader gets them before the day's records. */
    private LocalDate keysSent;

    /** @param transit the key the cluster's nodes share, under which day keys travel */
    RecordShipper(MetadataStore store, KafkaClients clients, KeyWrapper transit, Path dir, Clock clock,
                  MeterRegistry registry) {
        this.store = store;
        this.clients = clients;
        this.transit = transit;
        this.topic = clients.topic(RecordTopic.NAME);
        this.positionFile = dir.resolve("shipped");
        this.clock = clock;
        this.shippedUpToMillis = clock.millis();
        this.shipped = Counter.builder("ebb.cluster.shipper.records")
                .description("traffic records of this node acknowledged by Kafka").register(registry);
        this.failures = Counter.builder("ebb.cluster.shipper.failures")
                .description("batches of records Kafka did not acknowledge (sent again after a pause)")
                .register(registry);
        Gauge.builder("ebb.cluster.shipper.lag.records", lagRecords, AtomicLong::get)
                .description("traffic records stored on this node and not yet acknowledged by Kafka")
                .register(registry);
        Gauge.builder("ebb.cluster.shipper.lag.seconds", this, RecordShipper::lagSeconds)
                .description("how long ago every record stored on this node was last known in Kafka; 0 when caught up")
                .baseUnit("seconds").register(registry);
        this.thread = new Thread(this::run, "ebb-cluster-shipper");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    long lagRecords() {
        return lagRecords.get();
    }

    double lagSeconds() {
        return lagRecords.get() == 0 ? 0 : Math.max(0, clock.millis() - shippedUpToMillis) / 1000.0;
    }

    private void run() {
        RecordRef position = readPosition();
        long backoff = IDLE_MS;
        int failed = 0;
        while (running) {
            try {
                long fetchedAt = clock.millis();
                List<RecordRef> refs = store.refsFrom(position, BATCH);
                if (!refs.isEmpty()) {
                    ship(refs);
                    RecordRef last = refs.get(refs.size() - 1);
                    position = new RecordRef(last.day(), last.sequence() + 1);
                    writePosition(position);
                }
                if (refs.size() < BATCH) {
                    // Everything stored before this batch was fetched is acknowledged now.
                    shippedUpToMillis = fetchedAt;
                }
                lagRecords.set(store.countFrom(position));
                if (failed > 0) {
                    LOG.info("records reach Kafka again after {} failed batch(es); {} still to ship", failed,
                            lagRecords.get());
                    failed = 0;
                }
                backoff = IDLE_MS;
                if (refs.isEmpty() && stopping.await(IDLE_MS, TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                if (!running) {
                    return;
                }
                failures.increment();
                if (failed++ == 0) {
                    LOG.warn("records do not reach Kafka at {} ({}); they wait in the local store and go when it is "
                            + "back", clients.brokers(), e.toString());
                }
                closeProducer();
                try {
                    lagRecords.set(store.countFrom(position));
                    if (stopping.await(backoff, TimeUnit.MILLISECONDS)) {
                        return;
                    }
                } catch (InterruptedException stop) {
                    return;
                } catch (RuntimeException closed) {
                    return;
                }
                backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
            }
        }
    }

    private void ship(List<RecordRef> refs) throws Exception {
        List<InclusionProof> proofs = store.inclusionProofs(refs);
        Producer<String, byte[]> p = producer();
        List<Future<RecordMetadata>> sent = new ArrayList<>(proofs.size() + 2);
        for (InclusionProof proof : proofs) {
            LocalDate day = proof.ref().day();
            if (!day.equals(keysSent)) {
                byte[] key = store.wrappedDayKey(day, transit).orElseThrow(() -> new IllegalStateException(
                        "the day key of " + day + " is gone while its records are still stored"));
                sent.add(send(p, entry(day, RecordTopic.storeKey(store.publicKey()))));
                sent.add(send(p, entry(day, RecordTopic.dayKey(day, key))));
                keysSent = day;
            }
            sent.add(send(p, entry(day, RecordTopic.record(proof))));
        }
        p.flush();
        for (Future<RecordMetadata> f : sent) {
            f.get(DELIVERY_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
        shipped.increment(proofs.size());
    }

    /**
     * Sends one entry; one that failed at once (no metadata within {@code max.block.ms}: Kafka is away) ends the
     * batch, rather than every later entry of it waiting as long again.
     */
    private static Future<RecordMetadata> send(Producer<String, byte[]> p, ProducerRecord<String, byte[]> entry)
            throws Exception {
        Future<RecordMetadata> f = p.send(entry);
        if (f.isDone()) {
            f.get();
        }
        return f;
    }

    private ProducerRecord<String, byte[]> entry(LocalDate day, byte[] value) {
        return new ProducerRecord<>(topic, null, RecordTopic.timestamp(day), clients.nodeId(), value);
    }

    private synchronized Producer<String, byte[]> producer() {
        if (producer == null) {
            Properties props = clients.producer("records");
            // Only this thread waits: for metadata while brokers are away, for acknowledgements at most 30 s.
            props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
            props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
            props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, DELIVERY_TIMEOUT_MS);
            props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
            producer = new KafkaProducer<>(props);
        }
        return producer;
    }

    private synchronized void closeProducer() {
        keysSent = null;
        if (producer != null) {
            producer.close(java.time.Duration.ZERO);
            producer = null;
        }
    }

    private RecordRef readPosition() {
        try {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(positionFile));
            return new RecordRef(LocalDate.ofEpochDay(b.getLong()), b.getLong());
        } catch (NoSuchFileException first) {
            return START;
        } catch (IOException | RuntimeException e) {
            // Shipping again from the start costs only duplicates, which readers drop.
            LOG.warn("the shipper's position {} is unreadable ({}); shipping from the first stored record",
                    positionFile, e.toString());
            return START;
        }
    }

    /** Written whole and forced, then moved over the old one: a crash leaves the old position or the new. */
    private void writePosition(RecordRef position) {
        Path tmp = positionFile.resolveSibling("shipped.tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.allocate(16).putLong(position.day().toEpochDay()).putLong(position.sequence()).flip());
            ch.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the shipper's position " + tmp, e);
        }
        try {
            Files.move(tmp, positionFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the shipper's position " + positionFile, e);
        }
    }

    /**
     * Stops the thread without interrupting it: it may be in the store (an interrupt closes a file channel under it,
     * see the store's own guard), so it is woken from its waits instead, and from Kafka's by closing the producer.
     */
    @Override
    public void close() {
        running = false;
        stopping.countDown();
        try {
            thread.join(2_000);
            if (thread.isAlive()) {
                closeProducer();
                thread.join(10_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeProducer();
    }
}
