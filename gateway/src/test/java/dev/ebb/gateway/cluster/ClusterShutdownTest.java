package dev.ebb.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.KafkaBroker;
import dev.ebb.gateway.testing.LogCapture;
import dev.ebb.gateway.testing.TestGateway;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stopping a node while Kafka is away: the cluster reader may be in a call of its consumer, or waiting for the
 * brokers to make the topics, and KafkaConsumer is not thread-safe. The node must stop its reader (which closes its
 * consumer), say nothing went wrong, and be done within a few seconds.
 */
class ClusterShutdownTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** What "a few seconds" is here: the goodbye waits 2 s for brokers that are gone, the producer's close 1 s. */
    private static final Duration CLOSES_WITHIN = Duration.ofSeconds(6);

    /** Initialises logging before a test captures it (LogCapture needs logback's context, not slf4j's stand-in). */
    private static final Logger LOG = LoggerFactory.getLogger(ClusterShutdownTest.class);

    @TempDir
    Path dir;

    @Test
    void aNodeWhoseKafkaStoppedClosesWithinSecondsAndItsReaderEnds() throws Exception {
        try (KafkaBroker kafka = KafkaBroker.start(dir.resolve("kafka"));
             ClusterSmsc smsc = new ClusterSmsc()) {
            ClusterNodes nodes = new ClusterNodes(dir, kafka.bootstrap(), "stop.", smsc.port());
            nodes.start("a", b -> b);
            Await.until("A announced itself", WAIT, () -> announced(kafka.bootstrap(), "stop.presence", "a"));
            kafka.stop();
            closesCleanlyWithinSeconds(nodes, "a");
        }
    }

    /** Kafka never reached: the reader is in its loop of making the topics, each attempt waiting for the brokers. */
    @Test
    void aNodeThatNeverReachedKafkaClosesWithinSecondsAndItsReaderEnds() throws Exception {
        try (ClusterSmsc smsc = new ClusterSmsc()) {
            ClusterNodes nodes = new ClusterNodes(dir, "127.0.0.1:" + TestGateway.freePort(), "never.", smsc.port());
            try (LogCapture log = new LogCapture("dev.ebb.gateway.cluster.ClusterNode")) {
                nodes.start("b", b -> b);
                Await.until("B's reader failed to make the topics once and tries again", WAIT,
                        () -> log.lines().stream().anyMatch(line -> line.contains("not readable yet")));
            }
            closesCleanlyWithinSeconds(nodes, "b");
        }
    }

    private static void closesCleanlyWithinSeconds(ClusterNodes nodes, String node) {
        Thread reader = reader(node);
        assertThat(reader).as("the reader runs").isNotNull();
        try (LogCapture log = new LogCapture("dev.ebb.gateway")) {
            long start = System.nanoTime();
            nodes.stop(node);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(took).as("closed in %d ms", took.toMillis()).isLessThan(CLOSES_WITHIN);
            assertThat(reader.isAlive()).as("the reader ended before close returned").isFalse();
            assertThat(log.lines()).as("nothing went wrong while stopping")
                    .noneMatch(line -> line.contains("while stopping") || line.contains("did not stop"));
        }
    }

    private static Thread reader(String node) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("ebb-cluster-reader-" + node) && t.isAlive()).findFirst()
                .orElse(null);
    }

    private static boolean announced(String bootstrap, String topic, String node) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            if (consumer.listTopics().get(topic) == null) {
                return false;
            }
            List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofSeconds(1))) {
                if (node.equals(new String(r.key(), StandardCharsets.UTF_8))) {
                    return true;
                }
            }
            return false;
        }
    }
}
