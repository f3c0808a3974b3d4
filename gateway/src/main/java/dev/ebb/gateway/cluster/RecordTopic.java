package dev.ebb.gateway.cluster;

import dev.ebb.metadata.InclusionProof;
import java.nio.ByteBuffer;
import java.security.PublicKey;
import java.time.LocalDate;
import java.time.Period;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The topic {@code <prefix>records}: every node's traffic records as its metadata store keeps them, keyed by the node
 * (one partition per node, so one node's entries stay in its store's order). Three kinds of entry, each a kind byte
 * and its body:
 *
 * <ul>
 *   <li>{@code STORE_KEY}: the X.509 Ed25519 key that verifies the node's signed tree heads;</li>
 *   <li>{@code DAY_KEY}: an epoch day (i32) and that day's key wrapped under the transit key every node of the
 *   cluster shares (never in clear);</li>
 *   <li>{@code RECORD}: a record's inclusion proof ({@link InclusionProof#encode}): the record's bytes as stored, its
 *   numbers sealed under the day key, with the audit path to a signed head of its day.</li>
 * </ul>
 *
 * Each entry's Kafka timestamp is the start of its record's day (UTC), and the topic deletes by time in whole days
 * (segments rolled at each day), so Kafka drops a day no later than the store does.
 */
final class RecordTopic {
    static final String NAME = "records";
    static final byte STORE_KEY = 1;
    static final byte DAY_KEY = 2;
    static final byte RECORD = 3;
    private static final long DAY_MS = 86_400_000L;

    private RecordTopic() {
    }

    /** Partitions: nodes hash onto them; a few let several brokers share the load. */
    static NewTopic spec(String topic, int brokers) {
        short replicas = (short) Math.min(3, Math.max(1, brokers));
        return new NewTopic(topic, Optional.of(3), Optional.of(replicas));
    }

    /**
     * Deletion by time only, never compaction; entries kept the days that {@code retention} spans from {@code today}
     * (365 or 366 for 12 months, as the store counts them), segments rolled twice a day so that each day's entries —
     * all stamped with the day's start — sit in segments of their own and go as a whole.
     */
    static Map<String, String> configs(Period retention, LocalDate today, int brokers) {
        long days = ChronoUnit.DAYS.between(today.minus(retention), today);
        return Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(days * DAY_MS),
                TopicConfig.RETENTION_BYTES_CONFIG, "-1",
                TopicConfig.SEGMENT_MS_CONFIG, Long.toString(DAY_MS / 2),
                TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "CreateTime",
                TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, brokers >= 3 ? "2" : "1");
    }

    static long timestamp(LocalDate day) {
        return day.toEpochDay() * DAY_MS;
    }

    static byte[] storeKey(PublicKey key) {
        return entry(STORE_KEY, key.getEncoded());
    }

    static byte[] dayKey(LocalDate day, byte[] wrapped) {
        return ByteBuffer.allocate(1 + 4 + wrapped.length).put(DAY_KEY).putInt((int) day.toEpochDay()).put(wrapped)
                .array();
    }

    static byte[] record(InclusionProof proof) {
        return entry(RECORD, proof.encode());
    }

    static LocalDate dayOf(byte[] dayKeyEntry) {
        return LocalDate.ofEpochDay(ByteBuffer.wrap(dayKeyEntry, 1, 4).getInt());
    }

    static byte[] wrappedKeyOf(byte[] dayKeyEntry) {
        return Arrays.copyOfRange(dayKeyEntry, 5, dayKeyEntry.length);
    }

    static byte[] body(byte[] entry) {
        return Arrays.copyOfRange(entry, 1, entry.length);
    }

    private static byte[] entry(byte kind, byte[] body) {
        return ByteBuffer.allocate(1 + body.length).put(kind).put(body).array();
    }
}
