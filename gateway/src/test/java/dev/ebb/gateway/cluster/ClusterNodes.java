package dev.ebb.gateway.cluster;

import dev.ebb.gateway.Main;
import dev.ebb.gateway.config.ClusterConfig;
import dev.ebb.gateway.config.EbbConfig;
import dev.ebb.gateway.testing.Keks;
import dev.ebb.gateway.testing.Scrape;
import dev.ebb.gateway.testing.TestGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
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

    /** A meter of {@code node}'s /metrics, by its Prometheus name. */
    double metric(String node, String name) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + nodes.get(node).metricsPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            return Scrape.of(response.body()).value(name);
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
