package dev.ebb.gateway.cluster;

import dev.ebb.gateway.privacy.KeyEncryptionKey;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates what the nodes write to the cluster's presence and relay topics: anyone who can write to a topic
 * could otherwise announce a node of its own (every node would then seal that customer's receipts, numbers inside,
 * to the forger's key) or answer "taken" for a receipt the customer never got. Every value ends in an HMAC-SHA256
 * tag over the topic, the record's key and the rest of the value (so a record is valid only where it was written),
 * under a key each node derives from the cluster transit key ({@link KeyEncryptionKey#derive}).
 *
 * <p>Derived, not generated once and shared wrapped through a topic: the derivation runs through the transit key
 * itself, so it works the same with a passphrase file and with a token's non-extractable AES key, needs no Kafka
 * before the first record, and has no "whose key wins" race between nodes starting together nor a key record that
 * someone with topic access could delete. What it cannot tell apart is one node from another: every holder of the
 * transit key can write as any node (the sealing to a node's X25519 key, announced authentically, still tells who
 * sealed a request).
 *
 * <p>A record that does not authenticate, is longer than its topic allows or does not decode is skipped and counted
 * ({@code ebb_cluster_records_refused_total{topic}}), logged at most once a minute per topic.
 */
final class RecordAuth implements MeterBinder {
    /** What the MAC key is derived for: a new purpose (a new key) with any change of what is authenticated. */
    static final String PURPOSE = "ebb cluster record mac v1";
    static final int TAG_LENGTH = 32;
    private static final Logger LOG = LoggerFactory.getLogger(RecordAuth.class);
    private static final Duration LOG_EVERY = Duration.ofMinutes(1);

    private final SecretKeySpec key;
    private final Clock clock;
    private final Map<String, Refused> refused = new LinkedHashMap<>();

    /** Records refused on one topic, and when its next log line may be written. */
    private static final class Refused {
        final AtomicLong total = new AtomicLong();
        long unlogged;
        Instant nextLine = Instant.MIN;
    }

    /** @param topics the topics whose records are authenticated (each gets its refusal counter) */
    RecordAuth(byte[] key, Iterable<String> topics, Clock clock) {
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
        this.clock = clock;
        topics.forEach(t -> refused.put(t, new Refused()));
    }

    /** With the key every node holding {@code transit} derives. */
    static RecordAuth of(KeyEncryptionKey transit, Iterable<String> topics, Clock clock) {
        byte[] key = transit.derive(PURPOSE);
        try {
            return new RecordAuth(key, topics, clock);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** {@code body} with its tag, to be written to {@code topic} under {@code recordKey}. */
    byte[] sign(String topic, byte[] recordKey, byte[] body) {
        byte[] out = Arrays.copyOf(body, body.length + TAG_LENGTH);
        System.arraycopy(tag(topic, recordKey, body, body.length), 0, out, body.length, TAG_LENGTH);
        return out;
    }

    /**
     * The body of an authentic record of at most {@code maxBytes}; null, counted and logged, for any other.
     * The length is checked first: a record's size is what an attacker chooses, the MAC's cost grows with it.
     */
    byte[] open(ConsumerRecord<byte[], byte[]> record, int maxBytes) {
        byte[] value = record.value();
        if (value.length > maxBytes) {
            refuse(record, value.length + " bytes, over the " + maxBytes + " its topic allows");
            return null;
        }
        int body = value.length - TAG_LENGTH;
        if (body < 1 || !MessageDigest.isEqual(tag(record.topic(), record.key(), value, body),
                Arrays.copyOfRange(value, body, value.length))) {
            refuse(record, "it does not authenticate under the cluster's key (not written by a node of this "
                    + "cluster, or of an older version)");
            return null;
        }
        return Arrays.copyOf(value, body);
    }

    /** Counts and logs (rate-limited) a record of {@code record.topic()} skipped because of {@code why}. */
    void refuse(ConsumerRecord<byte[], byte[]> record, String why) {
        Refused r = refused.get(record.topic());
        if (r == null) {
            return;
        }
        r.total.incrementAndGet();
        long count;
        synchronized (r) {
            r.unlogged++;
            Instant now = clock.instant();
            if (now.isBefore(r.nextLine)) {
                return;
            }
            r.nextLine = now.plus(LOG_EVERY);
            count = r.unlogged;
            r.unlogged = 0;
        }
        LOG.warn("{} record(s) on {} refused since the last line; the last, at partition {} offset {}: {}", count,
                record.topic(), record.partition(), record.offset(), why);
    }

    private byte[] tag(String topic, byte[] recordKey, byte[] value, int length) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] t = topic.getBytes(StandardCharsets.UTF_8);
            mac.update(ByteBuffer.allocate(4).putInt(t.length).array());
            mac.update(t);
            mac.update(ByteBuffer.allocate(4).putInt(recordKey == null ? -1 : recordKey.length).array());
            if (recordKey != null) {
                mac.update(recordKey);
            }
            mac.update(value, 0, length);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks HmacSHA256", e);
        }
    }

    /** Records refused, per topic. */
    @Override
    public void bindTo(MeterRegistry registry) {
        refused.forEach((topic, r) -> FunctionCounter.builder("ebb.cluster.records.refused", r.total, AtomicLong::get)
                .tag("topic", topic).description("records of the cluster's topics skipped: not authentic, too long, "
                        + "or unreadable").register(registry));
    }
}
