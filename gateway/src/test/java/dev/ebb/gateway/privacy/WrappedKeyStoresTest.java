package dev.ebb.gateway.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ebb.gateway.config.DataDirectory;
import dev.ebb.gateway.testing.DiskSearch;
import dev.ebb.gateway.testing.Keks;
import dev.ebb.gateway.testing.LogCapture;
import dev.ebb.metadata.Channel;
import dev.ebb.metadata.EventType;
import dev.ebb.metadata.KeyUnwrapException;
import dev.ebb.metadata.MetadataStore;
import dev.ebb.metadata.MetadataStoreConfig;
import dev.ebb.metadata.SourceAddress;
import dev.ebb.metadata.TrafficQuery;
import dev.ebb.metadata.TrafficRecord;
import dev.ebb.metadata.WrappedKeys;
import dev.ebb.testing.MutableClock;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: content bucket keys and metadata day keys are stored wrapped under the key-encryption key, keys in clear
 * are wrapped at the first open with one (also when a crash cut that short), and destroying a key still destroys it.
 */
class WrappedKeyStoresTest {
    private static final Instant T0 = Instant.parse("2026-01-10T12:00:00Z");
    private static final BucketId BUCKET = new BucketId("acme", T0.toEpochMilli());
    private static final BucketId OTHER = new BucketId("globex", T0.toEpochMilli());
    private static final MetadataStoreConfig ONE_DAY = MetadataStoreConfig.defaults().withRetention(Period.ofDays(1));

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(T0);

    private DataDirectory data() {
        return new DataDirectory(dir.resolve("data"));
    }

    private KeyEncryptionKey kek(String name) {
        return KeyEncryptionKey.fromPassphraseFile(Keks.passphraseFile(dir, name, "passphrase of " + name + " 0123456789"),
                data());
    }

    @Test
    void aBucketKeyIsStoredWrappedAndOpensOnlyUnderItsKek() throws Exception {
        KeyEncryptionKey kek = kek("kek");
        KeyRing keys = KeyRing.open(data().contentKeys(), kek);
        keys.initialise();
        byte[] key = keys.getOrCreate(BUCKET).getEncoded();
        Path file = keys.keyPath(BUCKET);

        assertThat(KeyFile.decode(file, Files.readAllBytes(file)).wrapped()).isTrue();
        assertThat(DiskSearch.filesContaining(dir, key)).isEmpty();
        assertThat(KeyRing.open(data().contentKeys(), kek).key(BUCKET).getEncoded()).isEqualTo(key);
        assertThatThrownBy(() -> KeyRing.open(data().contentKeys())).isInstanceOf(KeyUnwrapException.class)
                .hasMessageStartingWith("content key store " + data().contentKeys().toAbsolutePath() + ": " + file)
                .hasMessageContaining("none is configured").hasMessageNotContaining("\n");
        KeyEncryptionKey other = kek("other");
        assertThatThrownBy(() -> KeyRing.open(data().contentKeys(), other)).isInstanceOf(KeyUnwrapException.class)
                .hasMessageStartingWith("content key store " + data().contentKeys().toAbsolutePath() + ": " + file)
                .hasMessageContaining("does not open under the key-encryption key " + other.describe());
    }

    @Test
    void destroyingAWrappedBucketKeyLeavesNothingTheKekOpens() throws Exception {
        KeyEncryptionKey kek = kek("kek");
        KeyRing keys = KeyRing.open(data().contentKeys(), kek);
        keys.initialise();
        keys.getOrCreate(BUCKET);
        Path file = keys.keyPath(BUCKET);
        long length = Files.size(file);
        byte[] wrapped = KeyFile.decode(file, Files.readAllBytes(file)).key();

        keys.destroy(BUCKET);

        assertThat(Files.size(file)).as("overwritten in place").isEqualTo(length);
        assertThat(DiskSearch.filesContaining(dir, wrapped)).as("the wrapped key is gone from every file").isEmpty();
        KeyRing reopened = KeyRing.open(data().contentKeys(), kek);
        assertThat(reopened.key(BUCKET)).isNull();
        assertThat(reopened.isDestroyed(BUCKET)).isTrue();
    }

    @Test
    void bucketKeysInClearAreWrappedAtTheFirstOpenWithAKekAlsoWhenACrashCutThatShort() throws Exception {
        KeyRing inClear = KeyRing.open(data().contentKeys());
        inClear.initialise();
        byte[] key = inClear.getOrCreate(BUCKET).getEncoded();
        byte[] otherKey = inClear.getOrCreate(OTHER).getEncoded();
        Path otherFile = inClear.keyPath(OTHER);
        byte[] otherInClear = Files.readAllBytes(otherFile);
        KeyEncryptionKey kek = kek("kek");
        KeyRing.open(data().contentKeys(), kek);
        // A crash while wrapping OTHER: its wrapped form written under the temporary name, not yet renamed.
        Path tmp = otherFile.resolveSibling(otherFile.getFileName() + ".tmp");
        Files.write(tmp, Files.readAllBytes(otherFile));
        Files.write(otherFile, otherInClear);

        KeyRing reopened;
        try (LogCapture log = new LogCapture(KeyRing.class.getName())) {
            reopened = KeyRing.open(data().contentKeys(), kek);
            assertThat(log.lines()).singleElement().asString().contains("wrapped 1 bucket key(s) kept in clear")
                    .contains(kek.describe());
        }

        assertThat(reopened.key(BUCKET).getEncoded()).isEqualTo(key);
        assertThat(reopened.key(OTHER).getEncoded()).isEqualTo(otherKey);
        assertThat(tmp).doesNotExist();
        for (BucketId bucket : new BucketId[] {BUCKET, OTHER}) {
            Path file = reopened.keyPath(bucket);
            assertThat(KeyFile.decode(file, Files.readAllBytes(file)).wrapped()).as(file.toString()).isTrue();
        }
        assertThat(DiskSearch.filesContaining(dir, key)).isEmpty();
        assertThat(DiskSearch.filesContaining(dir, otherKey)).isEmpty();
    }

    @Test
    void destroyingAWrappedDayKeyLeavesNothingTheKekOpens() throws Exception {
        KeyEncryptionKey kek = kek("kek");
        try (MetadataStore store = MetadataStore.open(data().metadata(), ONE_DAY, clock, kek)) {
            store.append(accepted("m1"));
        }
        Path dayKey = data().metadata().resolve("keys").resolve("2026-01-10.key");
        byte[] wrapped = Files.readAllBytes(dayKey);
        assertThat(WrappedKeys.isWrapped(wrapped)).isTrue();

        clock.advance(Duration.ofDays(3));
        try (MetadataStore store = MetadataStore.open(data().metadata(), ONE_DAY, clock, kek)) {
            assertThat(dayKey).doesNotExist();
            assertThat(DiskSearch.filesContaining(dir, wrapped)).isEmpty();
            assertThat(store.query(TrafficQuery.byMessageId("m1", T0.minus(Duration.ofHours(1)),
                    T0.plus(Duration.ofHours(1)))).records()).isEmpty();
        }
    }

    @Test
    void dayKeysAndTheSigningKeyInClearAreWrappedAtTheFirstOpenWithAKek() throws Exception {
        try (MetadataStore store = MetadataStore.open(data().metadata(), ONE_DAY, clock)) {
            store.append(accepted("m1"));
        }
        Path keys = data().metadata().resolve("keys");
        byte[] daySecret = Files.readAllBytes(keys.resolve("2026-01-10.key"));
        byte[] signingKey = Files.readAllBytes(keys.resolve("signing.key"));
        KeyEncryptionKey kek = kek("kek");

        try (LogCapture log = new LogCapture("dev.ebb.metadata");
             MetadataStore store = MetadataStore.open(data().metadata(), ONE_DAY, clock, kek)) {
            assertThat(log.lines()).anyMatch(l -> l.contains("wrapped 1 day key(s) kept in clear"))
                    .anyMatch(l -> l.contains("wrapped the signing key"));
            assertThat(store.query(TrafficQuery.byMessageId("m1", T0.minus(Duration.ofHours(1)),
                    T0.plus(Duration.ofHours(1)))).records()).hasSize(1);
            assertThat(store.verify(T0.atZone(java.time.ZoneOffset.UTC).toLocalDate(),
                    T0.atZone(java.time.ZoneOffset.UTC).toLocalDate()).ok()).isTrue();
        }

        assertThat(WrappedKeys.isWrapped(Files.readAllBytes(keys.resolve("2026-01-10.key")))).isTrue();
        assertThat(WrappedKeys.isWrapped(Files.readAllBytes(keys.resolve("signing.key")))).isTrue();
        assertThat(DiskSearch.filesContaining(dir, daySecret)).isEmpty();
        assertThat(DiskSearch.filesContaining(dir, signingKey)).isEmpty();
        assertThatThrownBy(() -> MetadataStore.open(data().metadata(), ONE_DAY, clock))
                .isInstanceOf(KeyUnwrapException.class)
                .hasMessageStartingWith("metadata key store " + keys.toAbsolutePath());
    }

    private static TrafficRecord accepted(String messageId) throws Exception {
        return TrafficRecord.builder().eventType(EventType.ACCEPTED).eventTime(T0).messageId(messageId)
                .customerId("acme").channel(Channel.SMPP).systemId("acme")
                .clientIp(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))
                .source(SourceAddress.alphanumeric("ACME")).destination("+4790000013").route("sim").build();
    }
}
