package dev.ebb.gateway.cluster;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/** One KRaft broker (combined with its controller) in this JVM, on a loopback port. */
final class Kafka implements AutoCloseable {
    private final KafkaClusterTestKit kit;

    private Kafka(KafkaClusterTestKit kit) {
        this.kit = kit;
    }

    static Kafka start() throws Exception {
        KafkaClusterTestKit kit = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder().setCombined(true)
                .setNumBrokerNodes(1).setNumControllerNodes(1).build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .build();
        kit.format();
        kit.startup();
        kit.waitForReadyBrokers();
        return new Kafka(kit);
    }

    String bootstrap() {
        return kit.bootstrapServers();
    }

    @Override
    public void close() throws Exception {
        kit.close();
    }
}
