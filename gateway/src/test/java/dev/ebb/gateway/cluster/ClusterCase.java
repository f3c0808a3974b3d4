package dev.ebb.gateway.cluster;

import dev.ebb.gateway.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One Kafka broker in this JVM for a test class (a static extension), and per test an SMSC and the Ebb nodes of a
 * cluster of its own: a topic prefix per test, so that tests sharing the broker do not see each other's records.
 */
final class ClusterCase implements BeforeAllCallback, AfterAllCallback, AfterEachCallback {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private final String name;
    private Kafka kafka;
    private int tests;
    private ClusterSmsc smsc;
    private ClusterNodes nodes;
    private String prefix;

    /** @param name begins each test's topic prefix */
    ClusterCase(String name) {
        this.name = name;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        kafka = Kafka.start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        kafka.close();
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (nodes != null) {
            nodes.close();
            nodes = null;
        }
        if (smsc != null) {
            smsc.close();
            smsc = null;
        }
    }

    /** This test's cluster: nodes {@code ids} started in {@code dir}, each bound to the SMSC. */
    ClusterNodes start(Path dir, String... ids) throws Exception {
        smsc = new ClusterSmsc();
        prefix = name + (++tests) + ".";
        nodes = new ClusterNodes(dir, kafka.bootstrap(), prefix, smsc.port());
        for (String id : ids) {
            nodes.start(id, b -> b);
        }
        Await.until("every node bound to the SMSC", WAIT, () -> Stream.of(ids).allMatch(smsc::bound));
        return nodes;
    }

    String bootstrap() {
        return kafka.bootstrap();
    }

    ClusterSmsc smsc() {
        return smsc;
    }

    String prefix() {
        return prefix;
    }
}
