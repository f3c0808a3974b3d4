package dev.ebb.gateway.cluster;

import dev.ebb.gateway.compliance.RetentionView;
import dev.ebb.metadata.KeyWrapper;
import dev.ebb.metadata.MetadataStore;
import dev.ebb.metadata.QueryPage;
import dev.ebb.metadata.RecordRef;
import dev.ebb.metadata.StoredRecord;
import dev.ebb.metadata.TrafficQuery;
import dev.ebb.metadata.VerifyReport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's one retention view: this node's own metadata store, and a {@link RecordReplica} of every other
 * node's records, consumed from the records topic by a consumer group of this node's own (so it reads every
 * partition) and committed only once the replica has forced what it read. A compliance query on any node thus reads
 * every node's records; each record's proof is its own node's, against a head that node signed.
 *
 * <p>Pages are in the order (store day, event time, node, sequence) — each node's records in its store's order — and
 * the continuation token names the last record of the page: {@code c1.<epoch day>.<event ms>.<node>.<sequence>}
 * (the compliance layer seals it for its holder and query).
 */
final class ClusterRecords implements RetentionView, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterRecords.class);
    private static final Comparator<Tagged> ORDER = Comparator.comparing((Tagged t) -> t.stored.ref().day())
            .thenComparing(t -> t.stored.record().eventTime()).thenComparing(Tagged::node)
            .thenComparingLong(t -> t.stored.ref().sequence());
    private static final long DAY_MS = 86_400_000L;

    private final MetadataStore local;
    private final KafkaClients clients;
    private final Path dir;
    private final KeyWrapper transit;
    private final Period retention;
    private final Clock clock;
    private final MeterRegistry registry;
    private final Map<String, RecordReplica> replicas = new ConcurrentHashMap<>();
    private final Counter rejected;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Consumer<String, byte[]> consumer;

    ClusterRecords(MetadataStore local, KafkaClients clients, Path dir, KeyWrapper transit, Period retention, Clock clock,
                   MeterRegistry registry) {
        this.local = local;
        this.clients = clients;
        this.dir = dir;
        this.transit = transit;
        this.retention = retention;
        this.clock = clock;
        this.registry = registry;
        this.rejected = Counter.builder("ebb.cluster.view.rejected")
                .description("entries of the records topic that did not open (another transit key, altered bytes)")
                .register(registry);
        try {
            Files.createDirectories(dir);
            try (DirectoryStream<Path> nodes = Files.newDirectoryStream(dir, Files::isDirectory)) {
                nodes.forEach(n -> replica(n.getFileName().toString()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the cluster's records in " + dir, e);
        }
        this.thread = new Thread(this::consume, "ebb-cluster-view");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Records held of each other node, for tests and the log. */
    long records(String node) {
        RecordReplica r = replicas.get(node);
        return r == null ? 0 : r.records();
    }

    private RecordReplica replica(String node) {
        return replicas.computeIfAbsent(node, n -> {
            RecordReplica r = RecordReplica.open(dir.resolve(n), n, transit);
            Gauge.builder("ebb.cluster.view.records", r, RecordReplica::records).tag("node", n)
                    .description("records of another node held here for the cluster's retention view")
                    .register(registry);
            return r;
        });
    }

    private void consume() {
        Properties props = clients.consumer("view", clients.topic("view." + clients.nodeId()));
        // Never created by a read: the topic gets its retention from the node that creates it.
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        try (Consumer<String, byte[]> c = new KafkaConsumer<>(props)) {
            consumer = c;
            c.subscribe(List.of(clients.topic(RecordTopic.NAME)));
            while (running) {
                try {
                    ConsumerRecords<String, byte[]> batch = c.poll(Duration.ofMillis(500));
                    if (batch.isEmpty()) {
                        continue;
                    }
                    for (ConsumerRecord<String, byte[]> entry : batch) {
                        take(entry);
                    }
                    replicas.values().forEach(RecordReplica::force);
                    c.commitSync(Duration.ofSeconds(5));
                } catch (WakeupException | InterruptException stop) {
                    return;
                } catch (RuntimeException e) {
                    // Kafka away, a commit timed out: what was not committed is read again and dropped as held.
                    LOG.warn("reading the cluster's records failed ({}); reading on", e.toString());
                    sleepQuietly();
                }
            }
        }
    }

    private void take(ConsumerRecord<String, byte[]> entry) {
        String node = entry.key();
        if (node == null || node.equals(clients.nodeId()) || entry.value() == null || entry.value().length == 0) {
            return;
        }
        try {
            replica(node).accept(entry.value());
        } catch (RuntimeException e) {
            rejected.increment();
            LOG.warn("an entry of node {} in the records topic does not open, left out of the view: {}", node,
                    e.toString());
        }
    }

    private void sleepQuietly() {
        try {
            Thread.sleep(1_000);
        } catch (InterruptedException e) {
            running = false;
        }
    }

    /** Drops the days of other nodes' records that the store's rule drops, with their keys. */
    void prune() {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        replicas.values().forEach(r -> r.prune(today, retention));
    }

    @Override
    public QueryPage query(TrafficQuery query) {
        Position after = query.continuation() == null ? null : Position.parse(query.continuation());
        int limit = query.limit();
        List<Tagged> candidates = new ArrayList<>(localAfter(query, after, limit + 1));
        for (RecordReplica replica : replicas.values()) {
            for (StoredRecord r : replica.query(query.criterion(), query.from(), query.to())) {
                Tagged t = new Tagged(replica.origin(), r);
                if (after == null || after.isBefore(t)) {
                    candidates.add(t);
                }
            }
        }
        candidates.sort(ORDER);
        if (candidates.size() <= limit) {
            return new QueryPage(candidates.stream().map(Tagged::stored).toList(), Optional.empty());
        }
        List<Tagged> page = candidates.subList(0, limit);
        return new QueryPage(page.stream().map(Tagged::stored).toList(),
                Optional.of(Position.of(page.get(limit - 1)).token()));
    }

    /**
     * Up to {@code wanted} of this node's records after {@code after}, in the store's order. A record after it is in
     * its day or a later one, so its event time is at most a day before that day's start (the store's skew rule): the
     * store is asked from there on, not from the window's start.
     */
    private List<Tagged> localAfter(TrafficQuery query, Position after, int wanted) {
        Instant from = query.from();
        if (after != null) {
            Instant bound = Instant.ofEpochMilli(after.day.toEpochDay() * DAY_MS - DAY_MS);
            from = bound.isAfter(from) ? bound : from;
        }
        List<Tagged> out = new ArrayList<>();
        if (!from.isBefore(query.to())) {
            return out;
        }
        TrafficQuery page = new TrafficQuery(query.criterion(), from, query.to(),
                Math.min(TrafficQuery.MAX_LIMIT, wanted), null);
        while (true) {
            QueryPage result = local.query(page);
            for (StoredRecord r : result.records()) {
                Tagged t = new Tagged(clients.nodeId(), r);
                if (after == null || after.isBefore(t)) {
                    out.add(t);
                    if (out.size() == wanted) {
                        return out;
                    }
                }
            }
            if (result.continuation().isEmpty()) {
                return out;
            }
            page = page.withContinuation(result.continuation().get());
        }
    }

    @Override
    public List<Proven> inclusionProofs(List<StoredRecord> records) {
        Proven[] proven = new Proven[records.size()];
        List<Integer> ownAt = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            StoredRecord r = records.get(i);
            Optional<RecordReplica.Proof> other = replicas.values().stream().map(rep -> rep.proofOf(r))
                    .flatMap(Optional::stream).findFirst();
            if (other.isPresent()) {
                proven[i] = new Proven(other.get().proof(), other.get().key());
            } else {
                ownAt.add(i);
            }
        }
        List<RecordRef> own = ownAt.stream().map(i -> records.get(i).ref()).toList();
        if (!own.isEmpty()) {
            List<dev.ebb.metadata.InclusionProof> proofs = local.inclusionProofs(own);
            for (int j = 0; j < ownAt.size(); j++) {
                proven[ownAt.get(j)] = new Proven(proofs.get(j), local.publicKey());
            }
        }
        return List.of(proven);
    }

    @Override
    public PublicKey publicKey() {
        return local.publicKey();
    }

    @Override
    public VerifyReport verify(LocalDate from, LocalDate to) {
        return local.verify(from, to);
    }

    @Override
    public void close() {
        running = false;
        Consumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        replicas.values().forEach(RecordReplica::close);
    }

    /** A record with the node it came from. */
    private record Tagged(String node, StoredRecord stored) {
    }

    /** The last record of a page, by which the next one starts. */
    private record Position(LocalDate day, long eventMillis, String node, long sequence) {
        static Position of(Tagged t) {
            return new Position(t.stored.ref().day(), t.stored.record().eventTime().toEpochMilli(), t.node,
                    t.stored.ref().sequence());
        }

        static Position parse(String token) {
            String[] p = token.split("\\.");
            try {
                if (p.length == 5 && p[0].equals("c1")) {
                    return new Position(LocalDate.ofEpochDay(Long.parseLong(p[1])), Long.parseLong(p[2]), p[3],
                            Long.parseLong(p[4]));
                }
            } catch (RuntimeException malformed) {
                // refused below
            }
            throw new IllegalArgumentException("malformed continuation token");
        }

        String token() {
            return "c1." + day.toEpochDay() + "." + eventMillis + "." + node + "." + sequence;
        }

        boolean isBefore(Tagged t) {
            Position o = of(t);
            return Comparator.comparing(Position::day).thenComparingLong(Position::eventMillis)
                    .thenComparing(Position::node).thenComparingLong(Position::sequence).compare(this, o) < 0;
        }
    }
}
