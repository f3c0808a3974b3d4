package dev.ebb.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebb.gateway.core.BindType;
import dev.ebb.gateway.core.InboundDeliverSm;
import dev.ebb.gateway.core.MessageState;
import dev.ebb.gateway.core.SmppAddress;
import dev.ebb.gateway.privacy.PrivacyInterceptor;
import dev.ebb.gateway.receipt.CustomerReceipt;
import dev.ebb.gateway.receipt.OutboxEntry;
import dev.ebb.gateway.route.InFlight;
import dev.ebb.gateway.route.MoRouter;
import dev.ebb.gateway.smpp.pdu.CommandStatus;
import dev.ebb.gateway.smpp.pdu.DeliveryReceipt;
import dev.ebb.gateway.smpp.pdu.Pdu;
import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.LogCapture;
import dev.ebb.gateway.testing.RawSmppClient;
import dev.ebb.gateway.testing.TestGateway;
import dev.ebb.metadata.Channel;
import dev.ebb.metadata.EventType;
import dev.ebb.metadata.SourceAddress;
import dev.ebb.metadata.TrafficRecord;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile review of the cluster relay: whoever can write to the cluster's topics (a broker's operator, a leaked
 * client credential) writes records of their own with a plain producer. The nodes must take only what a node of
 * the cluster wrote, take an answer only from the node a receipt is out with, notice two nodes run with one id, and
 * hold no more of what they read than real records need.
 */
class ClusterRecordsAuthTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String REFUSED = "ebb_cluster_records_refused_total";
    @RegisterExtension
    static final ClusterCase CLUSTER = new ClusterCase("auth");

    @TempDir
    Path dir;
    private ClusterSmsc smsc;
    private ClusterNodes nodes;
    private String prefix;

    private void cluster(String... ids) throws Exception {
        nodes = CLUSTER.start(dir, ids);
        smsc = CLUSTER.smsc();
        prefix = CLUSTER.prefix();
    }

    /**
     * The attacker reads the relay topic, sees A's receipt go to C, and answers "taken" in C's name before the
     * customer took it: in the format Ebb read before (no tag), and in today's with a tag of a key of its own. A
     * must refuse both and record RECEIPT_FORWARDED only once C passes the customer's own answer on.
     */
    @Test
    void aForgedTakenAnswerIsRefusedAndTheReceiptStaysOwedUntilTheCustomerTookIt() throws Exception {
        cluster("a", "c");
        Instant start = Instant.now();
        String topic = prefix + "receipts.relayed";
        try (RawSmppClient receiver = receiverOn("c")) {
            String id = nodes.submitOn("a", "+4790000700");
            Pdu.DeliverSm receipt = receiptDeliveredOn("a", receiver, id);

            write(topic, "a", answerOfVersion1("c", "a", id, 0));
            write(topic, "a", new Envelope("c", "a", id, null, 0).encode(foreignAuth(), topic));
            Await.until("A read both forged answers", WAIT, () -> nodes.metric("a", REFUSED, "topic", topic) == 2);
            assertThat(nodes.events("a", id, start)).as("the customer has not taken it yet")
                    .doesNotContain(EventType.RECEIPT_FORWARDED);

            receiver.send(new Pdu.DeliverSmResp(receipt.sequenceNumber(), CommandStatus.ESME_ROK));
            Await.until("A recorded the receipt taken once the customer took it", WAIT,
                    () -> nodes.events("a", id, start).contains(EventType.RECEIPT_FORWARDED));
        }
    }

    /**
     * The attacker knows a message's SMSC id (they are in clear in the records topic) and writes a receipt for it to
     * the unmatched-receipts topic, untagged and with a tag of its own key: unauthenticated, the owner would record
     * the message UNDELIVERABLE and owe the customer a receipt for it. A refuses both; the SMSC's own receipt, handed
     * over by C, then ends the message as it says.
     */
    @Test
    void aForgedReceiptOnTheUnmatchedTopicEndsNoMessage() throws Exception {
        cluster("a", "c");
        Instant start = Instant.now();
        String topic = prefix + "receipts.unmatched";
        String id = nodes.submitOn("a", "+4790000710");
        Await.until("the SMSC took the submit", WAIT, () -> smsc.taken().size() == 1);
        String smscId = smsc.taken().get(0).smscId();
        byte[] forged = RemoteReceipts.encode("sim", List.of(smscId), new DeliveryReceipt(smscId, 1, 0, start, start,
                MessageState.UNDELIVERABLE, 1));

        write(topic, smscId, forged);
        write(topic, smscId, foreignAuth().sign(topic, key(smscId), forged));
        Await.until("A read both forged receipts", WAIT, () -> nodes.metric("a", REFUSED, "topic", topic) == 2);
        assertThat(nodes.events("a", id, start)).as("no final state from a forged receipt")
                .doesNotContain(EventType.UNDELIVERABLE);

        assertThat(smsc.sendReceipt("c", smscId)).isZero();
        Await.until("A ended the message as the SMSC's receipt says", WAIT,
                () -> nodes.events("a", id, start).contains(EventType.DELIVERED));
        assertThat(nodes.events("a", id, start)).doesNotContain(EventType.UNDELIVERABLE);
    }

    /**
     * The attacker announces a node of its own, "x", with its own X25519 key and five receivers of the customer
     * (C has one): unauthenticated, A would seal the customer's receipts, numbers inside, to the attacker's key.
     * A refuses the announcements and relays the receipt to C; nothing on the relay topic is addressed to "x".
     */
    @Test
    void aForgedAnnouncementIsRefusedAndNoReceiptIsSealedToTheForger() throws Exception {
        cluster("a", "c");
        String presenceTopic = prefix + "presence";
        NodeKeys forger = new NodeKeys();
        Map<String, Presence.Customer> many = Map.of("acme", new Presence.Customer(5, 0));
        byte[] unsigned = new Presence.Node("x", forger.publicKey(), many).encode();
        try (RawSmppClient receiver = receiverOn("c");
             KafkaProducer<byte[], byte[]> producer = producer()) {
            Await.until("A knows of C's receiver", WAIT, () -> nodes.metric("a", "ebb_cluster_nodes") == 2);
            Thread announcing = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    producer.send(new ProducerRecord<>(presenceTopic, key("x"), presenceOfVersion1("x",
                            forger.publicKey(), "acme", 5)));
                    producer.send(new ProducerRecord<>(presenceTopic, key("x"), foreignAuth().sign(presenceTopic,
                            key("x"), unsigned)));
                    try {
                        Thread.sleep(200); // faster than the nodes' own 500 ms: always live, were it believed
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            announcing.start();
            try {
                Await.until("A refused the forged announcements", WAIT,
                        () -> nodes.metric("a", REFUSED, "topic", presenceTopic) >= 4);
                assertThat(nodes.metric("a", "ebb_cluster_nodes")).as("x is no node of A's").isEqualTo(2);
                String id = nodes.submitOn("a", "+4790000701");
                Pdu.DeliverSm receipt = receiptDeliveredOn("a", receiver, id);
                receiver.send(new Pdu.DeliverSmResp(receipt.sequenceNumber(), CommandStatus.ESME_ROK));
            } finally {
                announcing.interrupt();
                announcing.join();
            }
        }
        assertThat(keysOn(prefix + "receipts.relayed")).as("records by addressee").contains("c").doesNotContain("x");
    }

    /**
     * Answers count only from the node the receipt is out with. Here B (a node of the cluster, with the cluster's
     * key) answers late for a receipt A relayed to it before and has since routed to C: its "not taken" would make
     * A relay it again although C is delivering it, its "taken" would let it go before the customer took it.
     */
    @Test
    void anAnswerFromANodeTheReceiptIsNotOutWithCountsForNothing() throws Exception {
        cluster("a", "c");
        Instant start = Instant.now();
        String topic = prefix + "receipts.relayed";
        RecordAuth member = nodes.auth();
        try (RawSmppClient receiver = receiverOn("c")) {
            String id = nodes.submitOn("a", "+4790000702");
            Pdu.DeliverSm receipt = receiptDeliveredOn("a", receiver, id);

            write(topic, "a", new Envelope("b", "a", id, null, 0x64).encode(member, topic));
            write(topic, "a", new Envelope("b", "a", id, null, 0).encode(member, topic));
            write(topic, "a", new byte[40]); // after both on A's partition: refused once A has read them
            Await.until("A read B's answers", WAIT, () -> nodes.metric("a", REFUSED, "topic", topic) == 1);
            assertThat(nodes.events("a", id, start)).as("not let go on B's word")
                    .doesNotContain(EventType.RECEIPT_FORWARDED);

            receiver.send(new Pdu.DeliverSmResp(receipt.sequenceNumber(), CommandStatus.ESME_ROK));
            Await.until("A recorded the receipt taken once C said so", WAIT,
                    () -> nodes.events("a", id, start).contains(EventType.RECEIPT_FORWARDED));
            assertThat(receiver.readWithin(Duration.ofSeconds(2))).as("the receipt not sent again").isNull();
        }
        assertThat(nodes.metric("a", "ebb_cluster_receipts_relayed_total")).as("not relayed again on B's word")
                .isEqualTo(1);
    }

    /**
     * A copied configuration: two nodes with the cluster node id "a". Each hears its id announced with a key that
     * is not its own after its own announcement, logs an ERROR naming the id, and is not ready (cluster-node-id).
     */
    @Test
    void twoNodesWithOneNodeIdSayItAndAreNotReady() throws Exception {
        cluster();
        try (LogCapture log = new LogCapture("dev.ebb.gateway.cluster")) {
            nodes.start("a", b -> b);
            Await.until("A alone is ready as to its node id", WAIT, () -> readiness("a").path("checks")
                    .path("cluster-node-id").path("ready").asBoolean(false));
            nodes.startAs("copy", "a");
            for (String node : List.of("a", "copy")) {
                Await.until(node + " not ready for its node id", WAIT, () -> readiness(node).path("notReady")
                        .toString().contains("\"cluster-node-id\""));
            }
            assertThat(log.events().stream().filter(e -> e.getLevel() == Level.ERROR)
                    .map(e -> e.getFormattedMessage())).as("one line from each of the two")
                    .filteredOn(line -> line.contains("'a'")).hasSizeGreaterThanOrEqualTo(2);
        }
    }

    /** The relay topics are made with a record size of their own, so the brokers refuse anything bigger. */
    @Test
    void theRelayTopicsTakeNoRecordOverTheirBound() throws Exception {
        cluster("a");
        try (Admin admin = admin()) {
            Map<String, Integer> bounds = Map.of(prefix + "receipts.relayed", ClusterNode.MAX_RECEIPT_RELAY_BYTES,
                    prefix + "mo.relayed", ClusterNode.MAX_MO_RELAY_BYTES);
            for (Map.Entry<String, Integer> b : bounds.entrySet()) {
                ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, b.getKey());
                assertThat(admin.describeConfigs(List.of(topic)).all().get().get(topic).get("max.message.bytes")
                        .value()).as(b.getKey()).isEqualTo(Integer.toString(b.getValue()));
            }
        }
        assertThatThrownBy(() -> write(prefix + "receipts.relayed", "a",
                new byte[ClusterNode.MAX_RECEIPT_RELAY_BYTES + 1]))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(RecordTooLargeException.class);
    }

    /**
     * And the nodes refuse it on read too, authentic or not: someone allowed to change the topic's settings raised
     * the size, and a record over the bound (one a node could not open would be held for its sender's new key) is
     * skipped and counted.
     */
    @Test
    void aRelayOverTheBoundIsRefusedOnRead() throws Exception {
        cluster("a");
        String topic = prefix + "receipts.relayed";
        try (Admin admin = admin()) {
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic), List.of(
                    new AlterConfigOp(new ConfigEntry("max.message.bytes", "1048588"), AlterConfigOp.OpType.SET))))
                    .all().get();
        }
        write(topic, "a", new Envelope("b", "a", "m", new byte[ClusterNode.MAX_RECEIPT_RELAY_BYTES], 0)
                .encode(nodes.auth(), topic));
        Await.until("A refused it", WAIT, () -> nodes.metric("a", REFUSED, "topic", topic) == 1);
    }

    /**
     * The bounds hold what real relays need: a receipt with every field at its limit, and an MO whose text is the
     * largest message_payload an SMSC can send (65,535 bytes), each as a node writes it.
     */
    @Test
    void theLargestRealRelaysFitTheirTopicsBounds() throws Exception {
        NodeKeys from = new NodeKeys();
        NodeKeys to = new NodeKeys();
        RecordAuth auth = foreignAuth();
        String node = "n".repeat(16);
        String id = "m".repeat(TrafficRecord.MAX_ID_LENGTH);
        TrafficRecord accepted = TrafficRecord.builder().eventType(EventType.ACCEPTED).eventTime(Instant.now())
                .messageId(id).customerId("c".repeat(TrafficRecord.MAX_ID_LENGTH)).channel(Channel.SMPP)
                .systemId("s".repeat(15)).clientIp(InetAddress.getByName("::1")).source(new SourceAddress(
                        "4".repeat(21), 1, 1)).destination("+" + "4".repeat(15)).route("r".repeat(
                        TrafficRecord.MAX_ID_LENGTH)).reference("\uD83D\uDE00".repeat(TrafficRecord.MAX_REFERENCE_LENGTH))
                .validUntil(Instant.now().plusSeconds(60)).build();
        byte[] receipt = OutboxEntry.encode(new CustomerReceipt(new InFlight(new PrivacyInterceptor.Accepted(null,
                accepted), true, Long.MAX_VALUE), MessageState.UNDELIVERABLE, 0xFFFF, Instant.now()));
        int receiptRelay = relay(from, to, auth, node, id, "receipt", receipt).length;

        List<Integer> moRelays = new ArrayList<>();
        for (int text : List.of(255, 65_535)) {
            InboundDeliverSm deliverSm = new InboundDeliverSm("k".repeat(TrafficRecord.MAX_ID_LENGTH),
                    new SmppAddress((byte) 1, (byte) 1, "4".repeat(20)), new SmppAddress((byte) 1, (byte) 1,
                    "4".repeat(20)), (byte) 0, (byte) 8, new byte[text], null, -1);
            byte[] mo = ClusterMo.encodeMo("c".repeat(TrafficRecord.MAX_ID_LENGTH), new MoRouter.Addressed(id,
                    "+" + "4".repeat(15), "+" + "4".repeat(15), deliverSm));
            moRelays.add(relay(from, to, auth, node, "r".repeat(36), "mo", mo).length);
        }
        System.out.printf("largest relays: receipt %d bytes, MO of 255 bytes %d, MO of 65,535 bytes %d%n",
                receiptRelay, moRelays.get(0), moRelays.get(1));
        assertThat(receiptRelay).isLessThanOrEqualTo(ClusterNode.MAX_RECEIPT_RELAY_BYTES);
        assertThat(moRelays).allMatch(size -> size <= ClusterNode.MAX_MO_RELAY_BYTES);
    }

    private static byte[] relay(NodeKeys from, NodeKeys to, RecordAuth auth, String node, String id, String kind,
                                byte[] payload) {
        Envelope unsealed = new Envelope(node, node, id, null, 0);
        return new Envelope(node, node, id, from.seal(to.publicKey(), unsealed.aad(kind), payload), 0)
                .encode(auth, "p".repeat(32) + ".receipts.relayed");
    }

    private JsonNode readiness(String node) {
        try {
            return new ObjectMapper().readTree(nodes.ready(node).body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private RawSmppClient receiverOn(String node) throws Exception {
        return new RawSmppClient(nodes.get(node).smppPort()).bind(BindType.RECEIVER, TestGateway.SYSTEM_ID,
                TestGateway.PASSWORD);
    }

    /** The SMSC delivers the receipt of the one message it took on {@code node}'s bind; the customer's receiver has it. */
    private Pdu.DeliverSm receiptDeliveredOn(String node, RawSmppClient receiver, String id) throws Exception {
        Await.until("the SMSC took the submit", WAIT, () -> smsc.taken().size() == 1);
        assertThat(smsc.sendReceipt(node, smsc.taken().get(0).smscId())).isZero();
        Pdu.DeliverSm receipt = (Pdu.DeliverSm) receiver.readWithin(WAIT);
        assertThat(receipt).as("the receipt reached the customer's receiver").isNotNull();
        assertThat(RawSmppClient.receiptedMessageId(receipt)).isEqualTo(id);
        return receipt;
    }

    /** A tag made with a key of the attacker's own: today's format, but not the cluster's key. */
    private static RecordAuth foreignAuth() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return new RecordAuth(key, List.of(), Clock.systemUTC());
    }

    /** An answer as Ebb wrote (and read) them before records were authenticated. */
    private static byte[] answerOfVersion1(String from, String to, String id, int status) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(1);
            out.writeUTF(from);
            out.writeUTF(to);
            out.writeUTF(id);
            out.writeBoolean(false);
            out.writeInt(status);
        }
        return bytes.toByteArray();
    }

    /** An announcement as Ebb wrote (and read) them before records were authenticated. */
    private static byte[] presenceOfVersion1(String node, byte[] publicKey, String customer, int receivers) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(1);
            out.writeUTF(node);
            out.writeShort(publicKey.length);
            out.write(publicKey);
            out.writeInt(1);
            out.writeUTF(customer);
            out.writeInt(receivers);
            out.writeDouble(0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    /** The record keys (addressees) of everything on {@code topic} so far. */
    private static Set<String> keysOn(String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, CLUSTER.bootstrap());
        Set<String> keys = new HashSet<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    keys.add(new String(r.key(), StandardCharsets.UTF_8));
                }
            }
        }
        return keys;
    }

    private static void write(String topic, String key, byte[] value) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>(topic, key(key), value)).get();
        }
    }

    private static byte[] key(String node) {
        return node.getBytes(StandardCharsets.UTF_8);
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, CLUSTER.bootstrap());
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 << 20);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, CLUSTER.bootstrap()));
    }
}
