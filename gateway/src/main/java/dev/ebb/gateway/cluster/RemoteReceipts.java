package dev.ebb.gateway.cluster;

import dev.ebb.gateway.core.MessageState;
import dev.ebb.gateway.receipt.ReceiptHandler;
import dev.ebb.gateway.smpp.pdu.DeliveryReceipt;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receipts that find their message on whichever node submitted it. A receipt an SMSC delivers on this node's bind
 * that matches no message of this node is published, keyed by the SMSC's message id, to
 * {@code <prefix>receipts.unmatched}, and the SMSC is answered only once the brokers have it (acks=all); every node
 * reads every partition of that topic, this one included, and offers each receipt to its own matcher. The node
 * that submitted the message matches it, writes its final traffic record and owes the customer's receipt in its
 * outbox; the others hold it for {@code hold} (a submit_sm_resp in flight there may still name it: the receipt that
 * came before its mapping) and let it go.
 *
 * <p>Only what the SMSC's receipt says travels (connector, ids, state, error, dates): no number, no text. A node's
 * position in the topic is committed only up to the oldest receipt it still holds or has not yet stored, and only
 * after its stores are forced: one killed reads again whatever it had not settled. A receipt is offered again then,
 * and an SMSC may send one twice; the matcher takes each message's first and the rest find nothing to match.
 */
final class RemoteReceipts implements ReceiptHandler.Unmatched, MeterBinder {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteReceipts.class);
    /** 2: with {@link RecordAuth}'s tag; a forged receipt would set the final state of any message it names. */
    private static final int VERSION = 2;
    /** A receipt names a connector, at most a few ids and the receipt's fields: far below this. */
    static final int MAX_RECORD_BYTES = 4 * 1024;

    private final String topic;
    private final Producer<byte[], byte[]> producer;
    private final Duration hold;
    private final RecordAuth auth;
    private final Map<TopicPartition, Track> tracks = new ConcurrentHashMap<>();
    /** Receipts that matched here but whose final record could not be stored: offered again on the next tick. */
    private final Queue<Retry> retries = new ConcurrentLinkedQueue<>();
    private final AtomicLong handedOver = new AtomicLong();
    private final AtomicLong matchedHere = new AtomicLong();
    private volatile ReceiptHandler receipts;

    private record Retry(TopicPartition partition, long offset, Decoded receipt) {
    }

    private record Decoded(String connector, List<String> ids, DeliveryReceipt receipt) {
    }

    /** Where this node is in one partition: the next offset to read, and those read but not settled yet. */
    private static final class Track {
        final ConcurrentSkipListSet<Long> open = new ConcurrentSkipListSet<>();
        volatile long next = -1;
        long committed = -1;
    }

    RemoteReceipts(String topic, Producer<byte[], byte[]> producer, Duration hold, RecordAuth auth) {
        this.topic = topic;
        this.producer = producer;
        this.hold = hold;
        this.auth = auth;
    }

    String topic() {
        return topic;
    }

    /** Starts matching what is read, with {@code receipts}; before, nothing is read. */
    void matchWith(ReceiptHandler receipts) {
        this.receipts = receipts;
    }

    @Override
    public CompletionStage<Void> handOver(String connector, List<String> smscIds, DeliveryReceipt receipt) {
        CompletableFuture<Void> sent = new CompletableFuture<>();
        byte[] key = DeliveryReceipt.canonicalId(smscIds.get(0)).getBytes(StandardCharsets.UTF_8);
        try {
            producer.send(new ProducerRecord<>(topic, key, auth.sign(topic, key, encode(connector, smscIds, receipt))),
                    (metadata, e) -> {
                if (e == null) {
                    handedOver.incrementAndGet();
                    sent.complete(null);
                } else {
                    sent.completeExceptionally(e);
                }
            });
        } catch (RuntimeException e) {
            // The brokers out of reach for longer than max.block.ms: the SMSC is asked to send it again.
            sent.completeExceptionally(e);
        }
        return sent;
    }

    /** Offers one record of the topic to this node's matcher. On the consumer's thread. */
    void consume(ConsumerRecord<byte[], byte[]> record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        Track track = tracks.computeIfAbsent(partition, p -> new Track());
        track.next = record.offset() + 1;
        byte[] body = record.value() == null ? null : auth.open(record, MAX_RECORD_BYTES);
        if (body == null) {
            return; // refused and counted (not written by a node of this cluster), or empty
        }
        Decoded decoded;
        try {
            decoded = decode(body);
        } catch (IOException | RuntimeException e) {
            auth.refuse(record, "unreadable receipt: " + e.getMessage());
            return;
        }
        track.open.add(record.offset());
        offer(partition, record.offset(), decoded);
    }

    private void offer(TopicPartition partition, long offset, Decoded decoded) {
        Track track = tracks.get(partition);
        try {
            receipts.remote(decoded.connector(), decoded.ids(), decoded.receipt(), hold, matched -> {
                if (matched) {
                    matchedHere.incrementAndGet();
                }
                track.open.remove(offset);
            });
        } catch (RuntimeException | InternalError e) {
            // Its message is ours, but its final record could not be stored (a full disk): it stays unsettled.
            LOG.warn("receipt of another node's bind matched a message here but could not be recorded; retried: {}",
                    e.toString());
            retries.add(new Retry(partition, offset, decoded));
        }
    }

    /** Offers again what could not be recorded before. */
    void retry() {
        for (int i = retries.size(); i > 0; i--) {
            Retry r = retries.poll();
            if (r == null) {
                return;
            }
            offer(r.partition(), r.offset(), r.receipt());
        }
    }

    /** Per partition, the offset up to which every receipt read is settled, where it moved since the last commit. */
    Map<TopicPartition, OffsetAndMetadata> settled() {
        Map<TopicPartition, OffsetAndMetadata> moved = new HashMap<>();
        tracks.forEach((partition, track) -> {
            long next = track.next;
            if (next < 0) {
                return;
            }
            Long oldest = track.open.isEmpty() ? null : track.open.first();
            long upTo = oldest == null ? next : Math.min(oldest, next);
            if (upTo > track.committed) {
                moved.put(partition, new OffsetAndMetadata(upTo));
            }
        });
        return moved;
    }

    /** The commit of {@link #settled} went through. */
    void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((partition, offset) -> tracks.get(partition).committed = offset.offset());
    }

    /** Receipts read here and not settled yet: held for a mapping, or waiting to be recorded (a gauge). */
    int unsettled() {
        return tracks.values().stream().mapToInt(t -> t.open.size()).sum();
    }

    static byte[] encode(String connector, List<String> ids, DeliveryReceipt r) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(96);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeUTF(connector);
            out.writeByte(ids.size());
            for (String id : ids) {
                out.writeUTF(id);
            }
            out.writeUTF(r.id());
            out.writeInt(r.submitted());
            out.writeInt(r.delivered());
            out.writeLong(r.submitDate().toEpochMilli());
            out.writeLong(r.doneDate().toEpochMilli());
            out.writeByte(r.state().code());
            out.writeInt(r.errorCode());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static Decoded decode(byte[] value) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new IOException("receipt record of version " + version + ", expected " + VERSION);
            }
            String connector = in.readUTF();
            int count = in.readUnsignedByte();
            List<String> ids = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                ids.add(in.readUTF());
            }
            DeliveryReceipt receipt = new DeliveryReceipt(in.readUTF(), in.readInt(), in.readInt(),
                    Instant.ofEpochMilli(in.readLong()), Instant.ofEpochMilli(in.readLong()),
                    MessageState.ofCode(in.readUnsignedByte()), in.readInt());
            return new Decoded(connector, ids, receipt);
        }
    }

    /** Receipts handed to the cluster, matched here from the cluster, and read but not settled. */
    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("ebb.cluster.receipts.handed.over", handedOver, AtomicLong::get)
                .description("receipts an SMSC delivered on this node for a message not known here, handed to the "
                        + "cluster").register(registry);
        FunctionCounter.builder("ebb.cluster.receipts.matched.remotely", matchedHere, AtomicLong::get)
                .description("receipts delivered on another node's SMSC bind (or before their mapping was known) "
                        + "matched to a message of this node").register(registry);
        Gauge.builder("ebb.cluster.receipts.unsettled", this, RemoteReceipts::unsettled)
                .description("receipts read from the cluster and held here for a submit_sm_resp still in flight")
                .register(registry);
    }
}
