package dev.ebb.gateway.cluster;

import dev.ebb.gateway.config.ClusterConfig;
import dev.ebb.gateway.config.ConnectorConfig;
import dev.ebb.gateway.config.CustomerConfig;
import dev.ebb.gateway.config.EbbConfig;
import dev.ebb.gateway.privacy.KeyEncryptionKey;
import dev.ebb.gateway.receipt.ReceiptHandler;
import dev.ebb.gateway.receipt.ReceiptLedger;
import dev.ebb.gateway.receipt.ReceiptSink;
import dev.ebb.gateway.receipt.SmppReceiptSender;
import dev.ebb.gateway.route.MoRouter;
import dev.ebb.gateway.smpp.CustomerSessions;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's part in the cluster for receipts, MO and customers' rates: one producer, one consumer that reads every
 * partition of {@code <prefix>presence}, {@code <prefix>receipts.unmatched}, {@code <prefix>receipts.relayed} and
 * {@code <prefix>mo.relayed}, and a thread announcing this node's presence and re-dividing the rates. Made before
 * the receipt and MO paths it wraps ({@link #receiptsVia}, {@link #moVia}), started once the receipt handler is there
 * and the pending messages re-registered ({@link #start}). Nothing here waits for Kafka at start-up: while the
 * brokers are away receipts for other nodes are refused for a retry, and each node keeps the rate it had. Every
 * record this node writes to the presence and relay topics is authenticated, and every one it reads is checked
 * ({@link RecordAuth}).
 */
public final class ClusterNode implements MeterBinder, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
    /** A node with no position yet in the receipts topic reads from this far back: it cannot owe anything older. */
    private static final Duration NEW_NODE_LOOKBACK = Duration.ofMinutes(5);
    private static final Duration COMMIT_EVERY = Duration.ofSeconds(1);
    private static final int RECEIPT_PARTITIONS = 6;
    private static final int RELAY_PARTITIONS = 3;
    /** Records of the relay topics are needed for seconds; the brokers drop them after this (whole segments). */
    private static final Duration RELAY_RETENTION = Duration.ofHours(1);
    /**
     * The largest record of {@code <prefix>receipts.relayed}, set on the topic ({@code max.message.bytes}) and checked
     * on read. A real one is a few hundred bytes; with every field of the receipt at its limit 876 bytes
     * ({@code ClusterRecordsAuthTest#theLargestRealRelaysFitTheirTopicsBounds}). The brokers' default (1 MB) would let
     * anyone with write access fill a node's memory with what it holds for a sender's new key.
     */
    static final int MAX_RECEIPT_RELAY_BYTES = 64 << 10;
    /**
     * The largest record of {@code <prefix>mo.relayed}: an MO's text may be a message_payload of up to 65,535 bytes
     * (SMPP 3.4 §5.3.2.32; the SMSC client takes deliver_sm of up to 70,000 bytes), relayed as 65,963 bytes; a
     * 255-byte one as 683 (measured as the test above).
     */
    static final int MAX_MO_RELAY_BYTES = 96 << 10;
    /** The largest announcement read: the brokers' default record size, a customer taking 20 bytes or so of it. */
    private static final int MAX_PRESENCE_BYTES = 1 << 20;
    /** How long close waits for the reader to stop before leaving its consumer to it. */
    private static final Duration READER_STOP = Duration.ofSeconds(10);
    private static final Duration GOODBYE_WAIT = Duration.ofSeconds(2);
    /** Waiting for metadata while the brokers are away: a send fails after this instead of holding its caller. */
    private static final Duration MAX_BLOCK = Duration.ofSeconds(5);

    private final ClusterConfig config;
    private final KafkaClients clients;
    private final Clock clock;
    private final CustomerSessions sessions;
    private final List<CustomerConfig> customers;
    private final ReceiptLedger outbox;
    private final NodeKeys keys = new NodeKeys();
    private final RecordAuth auth;
    private final Presence presence;
    private final ClusterRate rate;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final RemoteReceipts remote;
    private final String presenceTopic;
    private final String receiptsTopic;
    private final String moTopic;
    private final ScheduledExecutorService scheduler;
    private final CountDownLatch positioned = new CountDownLatch(1);
    /** Counted down once the answers addressed to an earlier run of this node are read (see {@link #position}). */
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    /** Per partition of the receipts relay topic, where this run's records begin; what lies before is an earlier run's. */
    private final Map<TopicPartition, Long> relayResumeEnd = new HashMap<>();
    /** Per partition of the receipts relay topic, the position last committed. */
    private final Map<TopicPartition, Long> relayCommitted = new HashMap<>();
    private final Thread reader;
    private volatile boolean running = true;
    /** Counted down by {@link #close}: ends the reader's pause between attempts. */
    private final CountDownLatch stop = new CountDownLatch(1);
    /** The admin client of {@link #ensureTopics} while it runs, for {@link #close} to cut its calls short. */
    private volatile Admin admin;
    private volatile Map<String, Double> demand = Map.of();
    private ReceiptRelay relay;
    private ClusterMo mo;
    private Supplier<CompletableFuture<Void>> durable;

    private ClusterNode(EbbConfig cfg, CustomerSessions sessions, ReceiptLedger outbox, KeyEncryptionKey transit,
                        Clock clock) {
        this.config = Objects.requireNonNull(cfg.cluster(), "cluster");
        this.clock = clock;
        this.sessions = sessions;
        this.customers = cfg.customers();
        this.outbox = outbox;
        this.presenceTopic = config.topicPrefix() + "presence";
        this.receiptsTopic = config.topicPrefix() + "receipts.relayed";
        this.moTopic = config.topicPrefix() + "mo.relayed";
        String unmatchedTopic = config.topicPrefix() + "receipts.unmatched";
        this.auth = RecordAuth.of(transit, List.of(presenceTopic, receiptsTopic, moTopic, unmatchedTopic), clock);
        this.presence = new Presence(config.nodeId(), keys.publicKey(), System::nanoTime);
        this.rate = new ClusterRate(customers, sessions, System::nanoTime);
        this.clients = new KafkaClients(config);
        this.producer = relayProducer(clients);
        this.consumer = relayConsumer(clients);
        // A receipt that came before its submit_sm_resp: that answer comes within the connector's responseTimeout.
        Duration hold = cfg.connectors().stream().map(ConnectorConfig::responseTimeout).max(Duration::compareTo)
                .orElse(Duration.ZERO).plusSeconds(10);
        this.remote = new RemoteReceipts(unmatchedTopic, producer, hold, auth);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ebb-cluster-relay");
            t.setDaemon(true);
            return t;
        });
        this.reader = new Thread(this::read, "ebb-cluster-reader-" + config.nodeId());
        this.reader.setDaemon(true);
    }

    /**
     * The cluster part of a node with {@code cfg.cluster()} set; {@code outbox} owes the receipts it relays, and
     * {@code transit} (the cluster transit key, {@link KeyEncryptionKey#forCluster}) gives the key that authenticates
     * the nodes' records.
     */
    public static ClusterNode create(EbbConfig cfg, CustomerSessions sessions, ReceiptLedger outbox,
                                     KeyEncryptionKey transit, Clock clock) {
        return new ClusterNode(cfg, sessions, outbox, transit, clock);
    }

    /** SMPP receipts to {@code local} when their customer has a receiver here, else to the node where it has one. */
    public ReceiptSink receiptsVia(SmppReceiptSender local) {
        relay = new ReceiptRelay(config.nodeId(), receiptsTopic, producer, auth, presence, keys, sessions, local, outbox,
                scheduler, clock, SmppReceiptSender.DEFAULT_MAX_HELD);
        return relay;
    }

    /** MO to {@code local} (the SMPP receivers here) when the customer has one here, else to the node where it has. */
    public MoRouter.CustomerLink moVia(MoRouter.CustomerLink local) {
        mo = new ClusterMo(config.nodeId(), moTopic, producer, auth, presence, keys, local, scheduler);
        return mo;
    }

    /**
     * Starts reading and announcing: receipts this node cannot match go to the cluster from now on, and the cluster's
     * to {@code receipts}; the position in the receipts topic is committed once {@code durable} says the stores
     * have what was read.
     */
    public void start(ReceiptHandler receipts, Supplier<CompletableFuture<Void>> durable) {
        Objects.requireNonNull(relay, "receiptsVia first");
        Objects.requireNonNull(mo, "moVia first");
        this.durable = durable;
        remote.matchWith(receipts);
        receipts.handUnmatchedTo(remote);
        reader.start();
        try {
            // Announced once positioned, so that nothing sealed for this node is sent before it reads; the outbox
            // starts offering an earlier run's receipts once the answers that run missed are read, so that a
            // receipt the customer took while this node was down is recorded as taken, not sent again.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            if (!positioned.await(10, TimeUnit.SECONDS)) {
                LOG.warn("Kafka at {} not reached yet; this node joins the cluster once it is", config.bootstrap());
            } else if (!caughtUp.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                LOG.warn("answers to this node's earlier run not all read within 10 s; receipts for customers bound"
                        + " on other nodes wait for them, those for this node's own receivers may be offered again");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        scheduler.scheduleAtFixedRate(this::announce, 0, Presence.INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        scheduler.scheduleAtFixedRate(relay::tick, 1, 1, TimeUnit.SECONDS);
    }

    private void announce() {
        try {
            demand = rate.divide(presence.others());
            if (positioned.getCount() > 0) {
                return;
            }
            Map<String, Presence.Customer> mine = new LinkedHashMap<>();
            for (CustomerConfig c : customers) {
                int receivers = sessions.receivers(c.id());
                double asked = demand.getOrDefault(c.id(), 0.0);
                if (receivers > 0 || asked > 0) {
                    mine.put(c.id(), new Presence.Customer(receivers, asked));
                }
            }
            byte[] key = key(config.nodeId());
            producer.send(new ProducerRecord<>(presenceTopic, key, auth.sign(presenceTopic, key,
                    new Presence.Node(config.nodeId(), keys.publicKey(), mine).encode())));
        } catch (RuntimeException e) {
            LOG.debug("presence not announced: {}", e.toString());
        }
    }

    /**
     * The reader's thread, the only one that touches the consumer (KafkaConsumer is not thread-safe): it closes it
     * too, once {@link #close} stopped it.
     */
    private void read() {
        try {
            readUntilClosed();
        } finally {
            try {
                consumer.close(Duration.ofSeconds(1));
            } catch (RuntimeException e) {
                LOG.debug("cluster consumer closed with {}", e.toString());
            }
        }
    }

    private void readUntilClosed() {
        while (true) {
            if (!running) {
                return;
            }
            try {
                position();
                break;
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warn("cluster topics not readable yet on {}: {}; trying again", config.bootstrap(), e.toString());
                sleep(1_000);
            }
        }
        positioned.countDown();
        long nextCommit = System.nanoTime() + COMMIT_EVERY.toNanos();
        while (running) {
            try {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    dispatch(record);
                }
                if (caughtUp.getCount() > 0 && relayResumeEnd.entrySet().stream()
                        .allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    relay.earlierRead();
                    caughtUp.countDown();
                }
                if (System.nanoTime() - nextCommit >= 0) {
                    nextCommit = System.nanoTime() + COMMIT_EVERY.toNanos();
                    remote.retry();
                    commitSettled();
                }
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warn("reading the cluster topics failed: {}; going on", e.toString());
                sleep(1_000);
            }
        }
    }

    private void dispatch(ConsumerRecord<byte[], byte[]> record) {
        String topic = record.topic();
        if (topic.equals(remote.topic())) {
            remote.consume(record);
            return;
        }
        if (record.value() == null || record.key() == null) {
            // A goodbye is a tombstone, so that compaction drops the node: it cannot carry a tag. A forged one makes
            // the others forget a live node until its next announcement, half a second later.
            if (topic.equals(presenceTopic) && record.key() != null) {
                presence.gone(new String(record.key(), StandardCharsets.UTF_8));
            }
            return;
        }
        byte[] body = auth.open(record, topic.equals(presenceTopic) ? MAX_PRESENCE_BYTES
                : topic.equals(receiptsTopic) ? MAX_RECEIPT_RELAY_BYTES : MAX_MO_RELAY_BYTES);
        if (body == null) {
            return;
        }
        try {
            if (topic.equals(presenceTopic)) {
                presence.heard(new String(record.key(), StandardCharsets.UTF_8), body);
            } else if (topic.equals(receiptsTopic)) {
                Long resume = relayResumeEnd.get(new TopicPartition(topic, record.partition()));
                if (resume != null && record.offset() < resume) {
                    relay.consumeEarlier(Envelope.decode(body));
                } else {
                    relay.consume(Envelope.decode(body));
                }
            } else if (topic.equals(moTopic)) {
                mo.consume(Envelope.decode(body), record.offset());
            }
        } catch (IOException e) {
            auth.refuse(record, e.getMessage());
        }
    }

    /**
     * Commits how far every receipt read is settled, once the stores are forced: a receipt matched here is owed in the
     * outbox on disk before Kafka forgets this node needs it, and a customer's taking of a relayed receipt is
     * recorded before its answer is passed.
     */
    private void commitSettled() {
        Map<TopicPartition, OffsetAndMetadata> receipts = remote.settled();
        Map<TopicPartition, OffsetAndMetadata> settled = new HashMap<>(receipts);
        relayCommitted.forEach((p, done) -> {
            long at = consumer.position(p);
            if (at != done) {
                settled.put(p, new OffsetAndMetadata(at));
            }
        });
        if (settled.isEmpty()) {
            return;
        }
        try {
            durable.get().get(30, TimeUnit.SECONDS);
            consumer.commitSync(settled);
            remote.committed(receipts);
            settled.forEach((p, at) -> relayCommitted.computeIfPresent(p, (k, v) -> at.offset()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("position in the receipts topic not committed ({}); read again after a restart", e.toString());
        }
    }

    /** Makes the topics if missing, takes every partition, and places the consumer in each. */
    private void position() {
        String unmatched = remote.topic();
        ensureTopics(Map.of(
                new NewTopic(presenceTopic, Optional.of(1), Optional.empty()), Map.of("cleanup.policy", "compact"),
                new NewTopic(unmatched, Optional.of(RECEIPT_PARTITIONS), Optional.empty()), Map.of("retention.ms",
                        Long.toString(Duration.ofDays(1).toMillis()), "max.message.bytes",
                        Integer.toString(RemoteReceipts.MAX_RECORD_BYTES)),
                relayTopic(receiptsTopic), relayConfigs(MAX_RECEIPT_RELAY_BYTES),
                relayTopic(moTopic), relayConfigs(MAX_MO_RELAY_BYTES)));
        List<TopicPartition> all = new ArrayList<>();
        for (String topic : List.of(presenceTopic, unmatched, relay.topic(), mo.topic())) {
            partitions(consumer, topic).forEach(p -> all.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(all);
        List<TopicPartition> receipts = all.stream().filter(p -> p.topic().equals(unmatched)).toList();
        List<TopicPartition> relays = all.stream().filter(p -> p.topic().equals(relay.topic())).toList();
        consumer.seekToBeginning(all.stream().filter(p -> p.topic().equals(presenceTopic)).toList());
        consumer.seekToEnd(all.stream().filter(p -> p.topic().equals(mo.topic())).toList());
        resumeRelays(relays);
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(receipts));
        Map<TopicPartition, Long> since = new HashMap<>();
        for (TopicPartition p : receipts) {
            OffsetAndMetadata at = committed.get(p);
            if (at != null) {
                consumer.seek(p, at);
            } else {
                since.put(p, clock.millis() - NEW_NODE_LOOKBACK.toMillis());
            }
        }
        if (!since.isEmpty()) {
            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(since);
            List<TopicPartition> none = new ArrayList<>();
            found.forEach((p, at) -> {
                if (at == null) {
                    none.add(p);
                } else {
                    consumer.seek(p, at.offset());
                }
            });
            consumer.seekToEnd(none);
        }
        all.forEach(consumer::position); // resolves the lazy seeks now
    }

    /**
     * Places the consumer in the receipts relay topic where an earlier run of this node stopped reading (at the end
     * for a new node): answers to the receipts it relayed may have come while it was down. Whatever lies between there
     * and the end now was addressed to an earlier run, since this one has not announced its key yet.
     */
    private void resumeRelays(List<TopicPartition> relays) {
        relayResumeEnd.clear();
        relayCommitted.clear();
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(relays));
        Map<TopicPartition, Long> ends = consumer.endOffsets(relays);
        for (TopicPartition p : relays) {
            OffsetAndMetadata at = committed.get(p);
            long end = ends.get(p);
            if (at == null || at.offset() >= end) {
                consumer.seek(p, end);
            } else {
                consumer.seek(p, at);
                relayResumeEnd.put(p, end);
            }
            relayCommitted.put(p, at == null ? -1 : at.offset());
        }
    }

    /**
     * The partitions of {@code topic}, never none: just after a topic is made the broker may not list it yet, and the
     * consumer answers an empty list for a topic it does not know. Assigned as such, this node would never read that
     * topic (seen: every receipt relayed to a node lost); thrown instead, so that {@link #read} positions again.
     */
    static List<PartitionInfo> partitions(Consumer<?, ?> consumer, String topic) {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic);
        if (partitions.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " not listed by the brokers yet");
        }
        return partitions;
    }

    private static NewTopic relayTopic(String name) {
        return new NewTopic(name, Optional.of(RELAY_PARTITIONS), Optional.empty());
    }

    /** A relay topic's settings: records gone after {@link #RELAY_RETENTION}, none over {@code maxBytes}. */
    private static Map<String, String> relayConfigs(int maxBytes) {
        return Map.of("retention.ms", Long.toString(RELAY_RETENTION.toMillis()),
                "segment.ms", Long.toString(RELAY_RETENTION.dividedBy(6).toMillis()),
                "max.message.bytes", Integer.toString(maxBytes));
    }

    /** Creates the topics that are missing and sets their configs either way, with the brokers' default replication. */
    private void ensureTopics(Map<NewTopic, Map<String, String>> topics) {
        try (Admin admin = Admin.create(clients.admin("relay-admin"))) {
            this.admin = admin;
            for (Map.Entry<NewTopic, Map<String, String>> t : topics.entrySet()) {
                if (!running) {
                    throw new IllegalStateException("closed");
                }
                KafkaClients.ensureTopic(admin, t.getKey(), t.getValue());
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create the cluster's topics on " + config.bootstrap() + ": "
                    + (e.getCause() == null ? e : e.getCause()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the cluster's topics", e);
        } finally {
            this.admin = null;
        }
    }

    /**
     * The producer of receipts, MO and presence: a send fails after {@link #MAX_BLOCK} while the brokers are away
     * instead of holding its caller (an SMSC's deliver_sm waits for it).
     */
    private static KafkaProducer<byte[], byte[]> relayProducer(KafkaClients clients) {
        Properties props = clients.producer("relay-producer");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) MAX_BLOCK.toMillis());
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * A consumer that reads partitions it is given (every node reads every partition of these topics) and commits
     * its position in the receipts topic under the node's own group, by hand.
     */
    private static KafkaConsumer<byte[], byte[]> relayConsumer(KafkaClients clients) {
        Properties props = clients.consumer("relay-consumer", clients.topic("relay." + clients.nodeId()));
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static byte[] key(String nodeId) {
        return nodeId.getBytes(StandardCharsets.UTF_8);
    }

    /** A pause between attempts, cut short by {@link #close}. */
    private void sleep(long millis) {
        try {
            stop.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Live nodes as this one sees them, and the parts' own meters. */
    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("ebb.cluster.nodes", presence, p -> p.others().size() + 1)
                .description("nodes of the cluster heard of lately, this one included").register(registry);
        auth.bindTo(registry);
        remote.bindTo(registry);
        relay.bindTo(registry);
        mo.bindTo(registry);
    }

    private void sayGoodbye() {
        try {
            producer.send(new ProducerRecord<>(presenceTopic, key(config.nodeId()), null))
                    .get(GOODBYE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.debug("goodbye not announced: {}", e.toString());
        }
    }

    /** Why this node is not ready for the cluster: another node runs with its node id ({@link Presence}). */
    public Optional<String> nodeIdConflict() {
        return presence.idConflict();
    }

    /**
     * Says goodbye if it announced itself (the others re-divide rates and stop relaying here at once), stops the
     * reader, which closes the consumer (never this thread: the reader may be in a call of it), and closes the
     * producer. With the brokers away this takes a few seconds, not the clients' timeouts.
     */
    @Override
    public void close() {
        // The goodbye goes on the scheduler's thread, after what runs there now (never before a last announcement),
        // and is given GOODBYE_WAIT: with the brokers gone a send waits for their metadata for MAX_BLOCK, which
        // shutdownNow ends.
        if (positioned.getCount() == 0) {
            scheduler.execute(this::sayGoodbye);
        }
        scheduler.shutdown(); // the announcements and ticks stop; the goodbye, queued, still goes
        try {
            scheduler.awaitTermination(GOODBYE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        scheduler.shutdownNow();
        running = false;
        stop.countDown(); // the reader's pause between attempts ends
        consumer.wakeup(); // a consumer call returns at once
        Admin creating = admin;
        if (creating != null) {
            creating.close(Duration.ZERO); // and so does an admin call of ensureTopics: its calls fail now
        }
        // Not Thread.interrupt: the reader may be writing to the outbox, whose file channel an interrupt closes.
        try {
            reader.join(READER_STOP.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (reader.isAlive()) {
            LOG.warn("the cluster reader did not stop within {} s; its consumer is left to it", READER_STOP.toSeconds());
        }
        producer.close(Duration.ofSeconds(1));
    }
}
