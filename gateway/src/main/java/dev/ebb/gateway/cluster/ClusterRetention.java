package dev.ebb.gateway.cluster;

import dev.ebb.gateway.compliance.RetentionView;
import dev.ebb.gateway.config.ClusterConfig;
import dev.ebb.metadata.KeyWrapper;
import dev.ebb.metadata.MetadataStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's part in a cluster of Ebb nodes on Apache Kafka ({@code cluster:} in {@code ebb.yaml}), for the retention
 * view: it makes sure the records topic exists with the retention of the metadata store, ships this node's records to
 * it ({@link RecordShipper}), keeps every other node's ({@link ClusterRecords}), and watches whether Kafka answers.
 * Nothing here is needed to accept a message: with Kafka away the node accepts, stores and delivers as alone, is
 * reported not ready ({@link #notReady}), and catches up when Kafka is back.
 *
 * <p>Main creates it only when the {@code cluster:} section is there; without it no Kafka class is loaded.
 */
public final class ClusterRetention implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterRetention.class);
    private static final long PROBE_MS = 2_000;

    private final KafkaClients clients;
    private final Period retention;
    private final Clock clock;
    private final Admin admin;
    private final ScheduledExecutorService adminThread;
    private final RecordShipper shipper;
    private final ClusterRecords view;
    private volatile String unreachable = "not asked yet";
    private volatile boolean topicReady;
    private volatile int brokers = 1;

    private ClusterRetention(ClusterConfig config, MetadataStore store, KeyWrapper transit, Path dir, Period retention,
                        Clock clock, MeterRegistry registry) {
        this.clients = new KafkaClients(config);
        this.retention = retention;
        this.clock = clock;
        this.admin = Admin.create(clients.admin("admin"));
        this.shipper = new RecordShipper(store, clients, transit, dir, clock, registry);
        this.view = new ClusterRecords(store, clients, dir.resolve("view"), transit, retention, clock, registry);
        this.adminThread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ebb-cluster-admin");
            t.setDaemon(true);
            return t;
        });
        Gauge.builder("ebb.cluster.kafka.reachable", this, n -> n.unreachable == null ? 1 : 0)
                .description("1 while Kafka answers this node's admin client, else 0").register(registry);
    }

    /**
     * Starts the node's cluster part: nothing waits for Kafka here (the topic is made, and shipping starts, as soon as
     * Kafka answers).
     *
     * @param dir       where the shipper's position and the other nodes' records are kept ({@code <dataDir>/cluster})
     * @param transit   the key every node of the cluster shares, under which day keys reach Kafka (never in clear)
     * @param retention the metadata store's retention, which the topic and the replicas keep too
     */
    public static ClusterRetention start(ClusterConfig config, MetadataStore store, KeyWrapper transit, Path dir,
                                    Period retention, Clock clock, MeterRegistry registry) {
        ClusterRetention node = new ClusterRetention(config, store, transit, dir, retention, clock, registry);
        node.view.start();
        node.adminThread.scheduleWithFixedDelay(node::probe, 0, PROBE_MS, TimeUnit.MILLISECONDS);
        node.adminThread.scheduleAtFixedRate(node::prune, 1, 60, TimeUnit.MINUTES);
        return node;
    }

    /** Every node's records, this one's from its store and the others' as shipped. */
    public RetentionView retentionView() {
        return view;
    }

    /** Why the cluster part is not ready: Kafka does not answer, or the records topic is not there yet. */
    public Optional<String> notReady() {
        String why = unreachable;
        if (why != null) {
            return Optional.of("Kafka at " + clients.brokers() + " does not answer (" + why + "); records wait in the "
                    + "local store (" + shipper.lagRecords() + " to ship)");
        }
        return topicReady ? Optional.empty() : Optional.of("the records topic is not made yet");
    }

    /** Records held here of another node (tests). */
    long heldOf(String node) {
        return view.records(node);
    }

    /** Stored here and not yet acknowledged by Kafka. */
    long lagRecords() {
        return shipper.lagRecords();
    }

    private void probe() {
        try {
            brokers = admin.describeCluster(new DescribeClusterOptions().timeoutMs(KafkaClients.ADMIN_TIMEOUT_MS))
                    .nodes().get(KafkaClients.ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS).size();
            if (unreachable != null) {
                LOG.info("Kafka at {} answers ({} broker(s))", clients.brokers(), brokers);
            }
            unreachable = null;
            if (!topicReady) {
                KafkaClients.ensureTopic(admin, RecordTopic.spec(clients.topic(RecordTopic.NAME), brokers),
                        RecordTopic.configs(retention, LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC), brokers));
                topicReady = true;
                shipper.start();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            String why = e.getCause() != null ? e.getCause().getClass().getSimpleName() : e.getClass().getSimpleName();
            if (unreachable == null) {
                LOG.warn("Kafka at {} does not answer ({}): records wait in the local store", clients.brokers(), why);
            }
            unreachable = why;
        }
    }

    private void prune() {
        try {
            view.prune();
        } catch (RuntimeException e) {
            LOG.error("pruning the other nodes' records failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        adminThread.shutdownNow();
        shipper.close();
        view.close();
        admin.close(java.time.Duration.ofSeconds(1));
    }
}
