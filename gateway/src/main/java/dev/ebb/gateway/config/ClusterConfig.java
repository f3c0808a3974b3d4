package dev.ebb.gateway.config;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Cluster mode ({@code cluster:} in {@code ebb.yaml}): several Ebb nodes acting as one gateway through Apache Kafka.
 * Without this section Ebb runs alone and needs no Kafka.
 *
 * @param nodeId           this node's name, unique in the cluster: it names the node's records in the retention view,
 *                         its presence (rates) and the relays addressed to it
 * @param bootstrapServers the Kafka brokers to start from, {@code host:port} each
 * @param topicPrefix      the prefix of every topic Ebb uses, so that several clusters can share brokers; absent
 *                         means {@code ebb.}
 * @param kafka            client settings passed as they are to every Kafka producer, consumer and admin client
 *                         (TLS: {@code security.protocol}, {@code ssl.truststore.location}, …; SASL:
 *                         {@code sasl.mechanism}, {@code sasl.jaas.config}, …)
 */
public record ClusterConfig(String nodeId, List<String> bootstrapServers, String topicPrefix, Map<String, String> kafka) {
    private static final Pattern NODE_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,15}");
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9._-]{0,100}");

    public ClusterConfig {
        ConfigException.require(nodeId != null && NODE_ID.matcher(nodeId).matches(), "cluster.nodeId",
                "must be 1-16 of a-z, 0-9 and '-', starting with a letter or digit, was '" + nodeId + "'");
        ConfigException.require(bootstrapServers != null && !bootstrapServers.isEmpty(), "cluster.bootstrapServers",
                "must name at least one broker as host:port");
        bootstrapServers = List.copyOf(bootstrapServers);
        for (String server : bootstrapServers) {
            ConfigException.require(server != null && server.matches("[^\\s:]+:\\d{1,5}"), "cluster.bootstrapServers",
                    "'" + server + "' is not host:port");
        }
        topicPrefix = topicPrefix == null ? "ebb." : topicPrefix;
        ConfigException.require(PREFIX.matcher(topicPrefix).matches(), "cluster.topicPrefix",
                "may hold only A-Z, a-z, 0-9, '.', '_' and '-' (Kafka's topic characters), was '" + topicPrefix + "'");
        kafka = kafka == null ? Map.of() : Map.copyOf(kafka);
        ConfigException.require(!kafka.containsKey("bootstrap.servers"), "cluster.kafka.bootstrap.servers",
                "is set by cluster.bootstrapServers");
    }

    /** {@code bootstrap.servers} as the Kafka clients take it. */
    public String bootstrap() {
        return String.join(",", bootstrapServers);
    }
}
