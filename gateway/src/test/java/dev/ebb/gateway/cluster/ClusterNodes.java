package dev.ebb.gateway.cluster;

import dev.ebb.gateway.Main;
import dev.ebb.gateway.config.ClusterConfig;
import dev.ebb.gateway.config.DataDirectory;
import dev.ebb.gateway.config.EbbConfig;
import dev.ebb.gateway.privacy.KeyEncryptionKey;
import dev.ebb.gateway.testing.Keks;
import dev.ebb.gateway.testing.Scrape;
import dev.ebb.gateway.testing.TestGateway;
import dev.ebb.gateway.core.BindType;
import dev.ebb.gateway.core.SmppAddress;
import dev.ebb.gateway.smpp.pdu.Pdu;
import dev.ebb.gateway.testing.RawSmppClient;
import dev.ebb.metadata.EventType;
import dev.ebb.metadata.TrafficQuery;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Ebb nodes in this JVM, one cluster on one Kafka and one SMSC, each bound to the SMSC with its node id. */
final class ClusterNodes implements AutoCloseable {
    static final String MO_NUMBER = "+4722000001";

    private final Path dir;
    private final String bootstrap;
    private final String prefix;
    private final int smscPort;
    private final Map<String, Main.Running> nodes = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newHttpClient();

    /** @param prefix the topic prefix: one per test, so that tests sharing a broker do not see each other */
    ClusterNodes(Path dir, String bootstrap, String prefix, int smscPort) {
        this.dir = dir;
        this.bootstrap = bootstrap;
        this.prefix = prefix;
        this.smscPort = smscPort;
    }

    EbbConfig config(String node, UnaryOperator<TestGateway.Builder> change) {
        return change.apply(TestGateway.builder(dir.resolve(node), smscPort, false).moNumbers(List.of(MO_NUMBER))
                        .connector(c -> c.systemId(node).binds(1)))
                .build().withKeys(Keks.required(kekFile())).withCluster(clusterOf(node));
    }

    /** One passphrase for every node: cluster mode needs a key-encryption key, the same on each. */
    Path kekFile() {
        Path file = dir.resolve("kek");
        return Files.exists(file) ? file : Keks.passphraseFile(dir, "kek", "one passphrase for every node");
    }

    ClusterConfig clusterOf(String node) {
        return new ClusterConfig(node, List.of(bootstrap), prefix, Map.of());
    }

    Main.Running start(String node, UnaryOperator<TestGateway.Builder> change) throws InterruptedException {
        return start(node, change, Map.of());
    }

    /**
     * A node called {@code name} here (its data directory, its SMSC bind's system_id) that is configured with the
     * cluster node id {@code nodeId}: two of them with one id are the operator's mistake of a copied config.
     */
    Main.Running startAs(String name, String nodeId) throws InterruptedException {
        Main.Running running = Main.start(config(name, b -> b).withCluster(clusterOf(nodeId)), Clock.systemUTC());
        nodes.put(name, running);
        return running;
    }

    /**
     * What authenticates the records of this cluster's presence and relay topics, as each node derives it from the
     * shared passphrase: a test holding it writes as a node of the cluster would.
     */
    RecordAuth auth() {
        return RecordAuth.of(KeyEncryptionKey.forCluster(Keks.required(kekFile()), new DataDirectory(dir.resolve(
                "auth")), Map.of(), prefix), List.of(prefix + "presence", prefix + "receipts.relayed",
                prefix + "mo.relayed"), Clock.systemUTC());
    }


    /** A node whose Kafka clients are also given {@code kafka} (as {@code cluster.kafka} passes them). */
    Main.Running start(String node, UnaryOperator<TestGateway.Builder> change, Map<String, String> kafka)
            throws InterruptedException {
        Main.Running running = Main.start(config(node, change).withCluster(new ClusterConfig(node, List.of(bootstrap),
                prefix, kafka)), Clock.systemUTC());
        nodes.put(node, running);
        return running;
    }

    Main.Running get(String node) {
        return nodes.get(node);
    }

    /** Stops a node as an operator would (it says goodbye to the others). */
    void stop(String node) {
        nodes.remove(node).close();
    }

    /** One message submitted on {@code node} by a transmitter that unbinds afterwards; its id. */
    String submitOn(String node, String number) throws Exception {
        try (RawSmppClient transmitter = new RawSmppClient(nodes.get(node).smppPort())
                .bind(BindType.TRANSMITTER, TestGateway.SYSTEM_ID, TestGateway.PASSWORD)) {
            transmitter.send(Pdu.SubmitSm.builder().sequenceNumber(transmitter.nextSequence())
                    .source(new SmppAddress((byte) 5, (byte) 0, "Acme"))
                    .destination(SmppAddress.international(number)).registeredDelivery(1)
                    .shortMessage("hi".getBytes(StandardCharsets.US_ASCII)).build());
            return transmitter.next(Pdu.SubmitSmResp.class).messageId();
        }
    }

    /** The traffic records' event types of message {@code id} in {@code node}'s store, from about {@code start}. */
    List<EventType> events(String node, String id, Instant start) {
        return nodes.get(node).metadata().query(TrafficQuery.byMessageId(id, start.minusSeconds(60),
                start.plus(Duration.ofHours(1)))).records().stream().map(r -> r.record().eventType()).toList();
    }

    /** A meter of {@code node}'s /metrics, by its Prometheus name. */
    double metric(String node, String name, String... labelValues) {
        return Scrape.of(get(node, "/metrics").body()).value(name, labelValues);
    }

    /** {@code node}'s /health/ready: its status code and body. */
    HttpResponse<String> ready(String node) {
        return get(node, "/health/ready");
    }

    private HttpResponse<String> get(String node, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nodes.get(node).metricsPort()
                    + path)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        nodes.values().forEach(Main.Running::close);
        nodes.clear();
    }
}
