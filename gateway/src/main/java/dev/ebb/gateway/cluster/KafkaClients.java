package dev.ebb.gateway.cluster;

import dev.ebb.gateway.config.ClusterConfig;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The Kafka client settings every client of this node shares — {@code cluster.kafka} as given (TLS, SASL), the
 * brokers of {@code cluster.bootstrapServers}, a client id naming the node and the client's job — and the topics'
 * names under {@code cluster.topicPrefix}.
 */
public final class KafkaClients {
    /** How long an admin call waits for the brokers before it counts as failed. */
    static final int ADMIN_TIMEOUT_MS = 5_000;
    private final ClusterConfig config;

    public KafkaClients(ClusterConfig config) {
        this.config = config;
    }

    public String nodeId() {
        return config.nodeId();
    }

    /** {@code cluster.bootstrapServers}, for messages. */
    public String brokers() {
        return config.bootstrap();
    }

    /** The topic {@code name} of this cluster: {@code <topicPrefix><name>}. */
    public String topic(String name) {
        return config.topicPrefix() + name;
    }

    public Properties admin(String job) {
        Properties p = common(job);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ADMIN_TIMEOUT_MS);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ADMIN_TIMEOUT_MS);
        return p;
    }

    /**
     * An idempotent producer that a send is acknowledged by only once every in-sync replica has it ({@code acks=all}):
     * what is acknowledged is neither lost nor doubled by the producer's own retries.
     */
    public Properties producer(String job) {
        Properties p = common(job);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return p;
    }

    /** A consumer of its own group, committing only what it has stored ({@code enable.auto.commit=false}). */
    public Properties consumer(String job, String group) {
        Properties p = common(job);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return p;
    }

    /**
     * Creates the topic if it is missing, and sets {@code configs} on it either way, so a topic made earlier (by
     * hand, or by an Ebb with other limits) gets this node's retention too.
     *
     * @throws ExecutionException if the brokers refuse
     * @throws TimeoutException   if they do not answer in time
     */
    public static void ensureTopic(Admin admin, NewTopic topic, Map<String, String> configs)
            throws ExecutionException, InterruptedException, TimeoutException {
        try {
            admin.createTopics(java.util.List.of(topic.configs(configs))).all()
                    .get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic.name());
            admin.incrementalAlterConfigs(Map.of(resource, configs.entrySet().stream()
                    .map(c -> new AlterConfigOp(new ConfigEntry(c.getKey(), c.getValue()), AlterConfigOp.OpType.SET))
                    .toList())).all().get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
    }

    private Properties common(String job) {
        Properties p = new Properties();
        p.putAll(config.kafka());
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "ebb-" + config.nodeId() + "-" + job);
        return p;
    }
}
