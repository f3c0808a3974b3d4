package dev.ebb.gateway.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyRingTest {
    private static final BucketId BUCKET = new BucketId("acme", Instant.parse("2026-03-02T10:00:00Z").toEpochMilli());

    @TempDir
    Path dir;

    @Test
    void missingDirectoryGivesAnUninitialisedKeyRing() {
        KeyRing keys = KeyRing.open(dir.resolve("keys"));

        assertThat(keys.initialised()).isFalse();
        assertThat(dir.resolve("keys")).doesNotExist();
    }

    @Test
    void liveKeySurvivesReopen() throws IOException {
        KeyRing keys = initialised();
        SecretKey key = keys.getOrCreate(BUCKET);

        KeyRing reopened = KeyRing.open(dir);

        assertThat(reopened.key(BUCKET).getEncoded()).isEqualTo(key.getEncoded());
        assertThat(reopened.storeId()).isEqualTo(keys.storeId());
    }

    @Test
    void destroyedKeyStaysDestroyedAfterReopen() throws IOException {
        KeyRing keys = initialised();
        byte[] keyBytes = keys.getOrCreate(BUCKET).getEncoded();

        keys.destroy(BUCKET);
        KeyRing reopened = KeyRing.open(dir);

        assertThat(reopened.key(BUCKET)).isNull();
        assertThat(reopened.isDestroyed(BUCKET)).isTrue();
        assertThat(VaultFixture.indexOf(Files.readAllBytes(keys.keyPath(BUCKET)), keyBytes)).isNegative();
    }

    @Test
    void forgottenKeyLeavesNoFileBehind() throws IOException {
        KeyRing keys = initialised();
        keys.getOrCreate(BUCKET);

        keys.destroy(BUCKET);
        keys.forget(BUCKET);

        assertThat(keys.keyPath(BUCKET)).doesNotExist();
        assertThat(keys.keyPath(BUCKET).getParent()).doesNotExist();
    }

    @Test
    void truncatedKeyFileIsReportedAsCorrupted() throws IOException {
        KeyRing keys = initialised();
        keys.getOrCreate(BUCKET);
        Path keyFile = keys.keyPath(BUCKET);
        Files.write(keyFile, Arrays.copyOf(Files.readAllBytes(keyFile), 20));

        assertThatThrownBy(() -> KeyRing.open(dir))
                .isInstanceOf(KeyStoreCorruptedException.class)
                .hasMessageContaining(keyFile.toString())
                .hasMessageContaining("truncated");
    }

    @Test
    void keyFileUnderAnotherNameIsReportedAsCorrupted() throws IOException {
        KeyRing keys = initialised();
        keys.getOrCreate(BUCKET);
        Path renamed = keys.keyPath(BUCKET).resolveSibling("0.key");
        Files.move(keys.keyPath(BUCKET), renamed);

        assertThatThrownBy(() -> KeyRing.open(dir))
                .isInstanceOf(KeyStoreCorruptedException.class)
                .hasMessageContaining(renamed.toString())
                .hasMessageContaining("its name says");
    }

    @Test
    void directoryWithoutMarkerIsReportedAsCorrupted() throws IOException {
        Files.writeString(dir.resolve("stray.txt"), "not a key store");

        assertThatThrownBy(() -> KeyRing.open(dir))
                .isInstanceOf(KeyStoreCorruptedException.class)
                .hasMessageContaining(KeyRing.MARKER_FILE)
                .hasMessageContaining("stray.txt");
    }

    @Test
    void keyWhoseCreationWasInterruptedIsDiscarded() throws IOException {
        KeyRing keys = initialised();
        keys.getOrCreate(BUCKET);
        Path leftover = keys.keyPath(BUCKET).resolveSibling("123.key.tmp");
        Files.copy(keys.keyPath(BUCKET), leftover);

        KeyRing reopened = KeyRing.open(dir);

        assertThat(leftover).doesNotExist();
        assertThat(reopened.liveKeyCount()).isEqualTo(1);
    }

    private KeyRing initialised() throws IOException {
        KeyRing keys = KeyRing.open(dir);
        keys.initialise();
        return keys;
    }
}
