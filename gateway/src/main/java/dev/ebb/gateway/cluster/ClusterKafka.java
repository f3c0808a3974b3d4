package dev.ebb.gateway.cluster;

import dev.ebb.gateway.config.ClusterConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The Kafka clients of the cluster's receipts, MO and rates, made from {@code cluster:}: its {@code kafka} settings
 * (TLS, SASL) as they are, then what these parts need. One producer and one consumer per node, whatever the topic.
 */
final class ClusterKafka {
    /** Waiting for metadata while the brokers are away: a send fails after this instead of holding its caller. */
    private static final Duration MAX_BLOCK = Duration.ofSeconds(5);

    private ClusterKafka() {
    }

    private static Map<String, Object> common(ClusterConfig config, String client) {
        Map<String, Object> props = new HashMap<>(config.kafka());
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
        props.put(CommonClientConfigs.CLIENT_ID_CONFIG, config.topicPrefix() + config.nodeId() + "-" + client);
        return props;
    }

    /**
     * acks=all and idempotent: a record the brokers acknowledged is on every in-sync replica, once, however often
     * the client retried it.
     */
    static KafkaProducer<byte[], byte[]> producer(ClusterConfig config) {
        Map<String, Object> props = common(config, "relay-producer");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) MAX_BLOCK.toMillis());
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * A consumer that reads partitions it is given (every node reads every partition of these topics) and commits
     * its position under the node's own group, by hand.
     */
    static KafkaConsumer<byte[], byte[]> consumer(ClusterConfig config) {
        Map<String, Object> props = common(config, "relay-consumer");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.topicPrefix() + "relay." + config.nodeId());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Creates the topics that are missing, with the brokers' default replication; those there are left as they are. */
    static void ensureTopics(ClusterConfig config, List<NewTopic> topics) {
        try (Admin admin = Admin.create(common(config, "relay-admin"))) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = topics.stream().filter(t -> !existing.contains(t.name())).toList();
            if (missing.isEmpty()) {
                return;
            }
            try {
                admin.createTopics(missing).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e; // another node made it meanwhile is fine; anything else is not
                }
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create the cluster's topics on " + config.bootstrap() + ": "
                    + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the cluster's topics", e);
        }
    }
}
