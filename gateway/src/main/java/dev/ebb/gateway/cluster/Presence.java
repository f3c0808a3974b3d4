package dev.ebb.gateway.cluster;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which nodes are up, and what each has of every customer: its receiver binds (where receipts and MO can go) and
 * the submits it was asked for (its share of the customer's rate). Each node announces itself every
 * {@link #INTERVAL} on a compacted topic keyed by node id, and says goodbye with a tombstone; a node not heard of
 * for {@link #LIVE_FOR} (killed) counts as gone. Liveness is judged by this node's own clock on arrival, so the
 * nodes' clocks need not agree. The announcement also carries the node's public key ({@link NodeKeys}); it is
 * authenticated like every record of the cluster ({@link RecordAuth}, version 2 the first so).
 *
 * <p>Two nodes given the same node id would take turns in everyone's view, each receiving what was sealed to the
 * other, and share one consumer group's positions. Each run has a key of its own, so a node that hears its own id
 * announced with a key not its own after it heard its own announcement (an earlier run's comes before) knows another
 * node runs with its id: it says so (an ERROR, and {@link #idConflict} for readiness).
 */
final class Presence {
    static final Duration INTERVAL = Duration.ofMillis(500);
    /** Three announcements missed. */
    static final Duration LIVE_FOR = INTERVAL.multipliedBy(3).plusMillis(100);
    private static final int VERSION = 2;
    /** How long after the last announcement of another node with this node's id it is still reported. */
    static final Duration CONFLICT_REPORTED_FOR = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(Presence.class);

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
    private final byte[] selfKey;
    private final LongSupplier nanoTime;
    private final Map<String, Seen> nodes = new ConcurrentHashMap<>();
    /** Public keys of every node heard of this run, also of those gone since: what they sealed can still be opened. */
    private final Map<String, byte[]> keys = new ConcurrentHashMap<>();

    /** Whether this node's own announcement was read back: what comes for its id after it is another node's. */
    private volatile boolean selfHeard;
    /** When another node's announcement with this node's id was last read; {@code Long.MIN_VALUE}: never. */
    private volatile long conflictAt = Long.MIN_VALUE;
    /** The keys of other nodes announcing this node's id (each logged once). */
    private final Set<ByteBuffer> impostors = ConcurrentHashMap.newKeySet();

    /** @param selfKey this run's public key, as announced */
    Presence(String self, byte[] selfKey, LongSupplier nanoTime) {
        this.self = self;
        this.selfKey = selfKey.clone();
        this.nanoTime = nanoTime;
    }

    /** A goodbye of node {@code id} (a tombstone) read from the topic. */
    void gone(String id) {
        nodes.remove(id);
    }

    /**
     * An announcement of node {@code id} read from the topic (its body, authenticated).
     *
     * @throws IOException if it does not decode, or names another node than its record's key
     */
    void heard(String id, byte[] body) throws IOException {
        Node node = Node.decode(body);
        if (!node.id().equals(id)) {
            throw new IOException("announcement of node " + node.id() + " under the key of node " + id);
        }
        if (id.equals(self)) {
            if (Arrays.equals(node.publicKey(), selfKey)) {
                selfHeard = true;
            } else if (selfHeard) {
                conflictAt = nanoTime.getAsLong();
                if (impostors.size() < 16 && impostors.add(ByteBuffer.wrap(node.publicKey()))) {
                    LOG.error("another node runs with this node's cluster node id '{}': it announces itself with a "
                            + "key that is not this node's. Give each node its own cluster.nodeId: until then both "
                            + "receive what is sent to either, and share one position in the cluster's topics", id);
                }
                return; // the others' view takes turns between the two; this node's own stays its own
            }
        }
        nodes.put(id, new Seen(node, nanoTime.getAsLong()));
        keys.put(id, node.publicKey());
    }

    /** Why this node is not ready: another node announced its id lately. */
    Optional<String> idConflict() {
        long at = conflictAt;
        if (at == Long.MIN_VALUE || nanoTime.getAsLong() - at > CONFLICT_REPORTED_FOR.toNanos()) {
            return Optional.empty();
        }
        return Optional.of("another node announces this node's cluster node id '" + self + "' with a key of its own"
                + " (heard within the last " + CONFLICT_REPORTED_FOR.toSeconds() + " s): each node needs its own "
                + "cluster.nodeId");
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
