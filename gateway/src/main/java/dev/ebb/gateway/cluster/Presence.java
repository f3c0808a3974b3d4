package dev.ebb.gateway.cluster;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Which nodes are up, and what each has of every customer: its receiver binds (where receipts and MO can go) and
 * the submits it was asked for (its share of the customer's rate). Each node announces itself every
 * {@link #INTERVAL} on a compacted topic keyed by node id, and says goodbye with a tombstone; a node not heard of
 * for {@link #LIVE_FOR} (killed) counts as gone. Liveness is judged by this node's own clock on arrival, so the
 * nodes' clocks need not agree. The announcement also carries the node's public key ({@link NodeKeys}).
 */
final class Presence {
    static final Duration INTERVAL = Duration.ofMillis(500);
    /** Three announcements missed. */
    static final Duration LIVE_FOR = INTERVAL.multipliedBy(3).plusMillis(100);
    private static final int VERSION = 1;

    /** What one node has of one customer: receiver binds, and submits asked per second lately. */
    record Customer(int receivers, double demand) {
    }

    /** One node's announcement. */
    record Node(String id, byte[] publicKey, Map<String, Customer> customers) {
        byte[] encode() {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + customers.size() * 24);
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeByte(VERSION);
                out.writeUTF(id);
                out.writeShort(publicKey.length);
                out.write(publicKey);
                out.writeInt(customers.size());
                for (Map.Entry<String, Customer> c : customers.entrySet()) {
                    out.writeUTF(c.getKey());
                    out.writeInt(c.getValue().receivers());
                    out.writeDouble(c.getValue().demand());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }

        static Node decode(byte[] value) throws IOException {
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
                int version = in.readUnsignedByte();
                if (version != VERSION) {
                    throw new IOException("presence of version " + version + ", expected " + VERSION);
                }
                String id = in.readUTF();
                byte[] key = new byte[in.readUnsignedShort()];
                in.readFully(key);
                int count = in.readInt();
                Map<String, Customer> customers = new LinkedHashMap<>();
                for (int i = 0; i < count; i++) {
                    customers.put(in.readUTF(), new Customer(in.readInt(), in.readDouble()));
                }
                return new Node(id, key, customers);
            }
        }
    }

    private record Seen(Node node, long atNanos) {
    }

    private final String self;
    private final LongSupplier nanoTime;
    private final Map<String, Seen> nodes = new ConcurrentHashMap<>();
    /** Public keys of every node heard of this run, also of those gone since: what they sealed can still be opened. */
    private final Map<String, byte[]> keys = new ConcurrentHashMap<>();

    Presence(String self, LongSupplier nanoTime) {
        this.self = self;
        this.nanoTime = nanoTime;
    }

    /** An announcement (or, {@code value} null, a goodbye) of node {@code id} read from the topic. */
    void heard(String id, byte[] value) throws IOException {
        if (value == null) {
            nodes.remove(id);
            return;
        }
        Node node = Node.decode(value);
        nodes.put(id, new Seen(node, nanoTime.getAsLong()));
        keys.put(id, node.publicKey());
    }

    /** The other nodes heard of within {@link #LIVE_FOR}. */
    List<Node> others() {
        long now = nanoTime.getAsLong();
        List<Node> live = new ArrayList<>();
        nodes.forEach((id, seen) -> {
            if (!id.equals(self) && now - seen.atNanos() <= LIVE_FOR.toNanos()) {
                live.add(seen.node());
            }
        });
        return live;
    }

    /** The other live node with the most receiver binds of {@code customer}; empty when none has one. */
    Optional<Node> receiverOf(String customer) {
        return others().stream().filter(n -> receivers(n, customer) > 0)
                .max(Comparator.comparingInt((Node n) -> receivers(n, customer)).thenComparing(Node::id));
    }

    /** The public key of {@code node}, live or not, if it was heard of this run. */
    Optional<byte[]> key(String node) {
        return Optional.ofNullable(keys.get(node));
    }

    private static int receivers(Node node, String customer) {
        Customer c = node.customers().get(customer);
        return c == null ? 0 : c.receivers();
    }
}
