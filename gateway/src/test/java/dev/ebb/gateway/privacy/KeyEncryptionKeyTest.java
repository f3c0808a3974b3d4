package dev.ebb.gateway.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ebb.gateway.config.ConfigException;
import dev.ebb.gateway.config.DataDirectory;
import dev.ebb.gateway.config.KeysConfig;
import dev.ebb.gateway.testing.Keks;
import dev.ebb.metadata.KeyUnwrapException;
import dev.ebb.metadata.UnprotectedKeyFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 13: where the key-encryption key comes from, and what Ebb refuses. */
class KeyEncryptionKeyTest {
    private static final String PASSPHRASE = "correct horse battery staple 13";

    @TempDir
    Path dir;

    private DataDirectory data() {
        return new DataDirectory(dir.resolve("data"));
    }

    @Test
    void aPassphraseFileInsideTheDataDirectoryIsRefused() throws Exception {
        Files.createDirectories(data().root().resolve("secrets"));
        Path inside = Keks.passphraseFile(data().root().resolve("secrets"), "kek", PASSPHRASE);

        assertThatThrownBy(() -> KeyEncryptionKey.open(Keks.required(inside), data(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(KeysConfig.KEK_FILE_ENV).hasMessageContaining("is inside the data directory");
    }

    @Test
    void aPassphraseFileOthersCanReadIsRefusedWithTheChmodThatFixesIt() throws Exception {
        Path file = Keks.passphraseFile(dir, "kek", PASSPHRASE);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> KeyEncryptionKey.open(Keks.required(file), data(), Map.of()))
                .isInstanceOf(UnprotectedKeyFileException.class).hasMessageEndingWith("chmod 600 " + file.toRealPath());
    }

    @Test
    void aShortPassphraseIsRefused() {
        Path file = Keks.passphraseFile(dir, "kek", "too short");

        assertThatThrownBy(() -> KeyEncryptionKey.open(Keks.required(file), data(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("at least 16");
    }

    @Test
    void requireWithoutAKekRefusesToStart() {
        assertThatThrownBy(() -> KeyEncryptionKey.open(new KeysConfig(true, null, null), data(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("keys.require: is true, but no key-"
                        + "encryption key is configured");
    }

    @Test
    void withoutAKekTheKeysStayInClear() {
        assertThat(KeyEncryptionKey.open(KeysConfig.defaults(), data(), Map.of())).isEmpty();
    }

    @Test
    void theEnvironmentNamesThePassphraseFile() {
        KeysConfig keys = KeysConfig.defaults().withEnvironment(Map.of(KeysConfig.KEK_FILE_ENV, "/etc/ebb/kek"));

        assertThat(keys.file()).isEqualTo(Path.of("/etc/ebb/kek"));
        assertThat(keys.configured()).isTrue();
    }

    @Test
    void aWrappedKeyOpensOnlyForThePurposeItWasWrappedFor() {
        KeyEncryptionKey kek = KeyEncryptionKey.fromPassphraseFile(Keks.passphraseFile(dir, "kek", PASSPHRASE), data());
        byte[] key = "0123456789abcdef0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

        byte[] wrapped = kek.wrap(key, "ebb metadata day key 2026-01-10");

        assertThat(kek.unwrap(wrapped, "ebb metadata day key 2026-01-10")).isEqualTo(key);
        assertThat(wrapped).hasSize(12 + 32 + 16);
        assertThatThrownBy(() -> kek.unwrap(wrapped, "ebb metadata day key 2026-01-11"))
                .isInstanceOf(KeyUnwrapException.class);
    }

    @Test
    void thePassphraseGivesTheSameKekOnlyWithTheSaltOfItsDataDirectory() {
        Path file = Keks.passphraseFile(dir, "kek", PASSPHRASE);
        byte[] wrapped = KeyEncryptionKey.fromPassphraseFile(file, data()).wrap(new byte[32], "p");

        assertThat(KeyEncryptionKey.fromPassphraseFile(file, data()).unwrap(wrapped, "p")).isEqualTo(new byte[32]);
        assertThat(data().kekSalt()).exists();
        assertThatThrownBy(() -> KeyEncryptionKey.fromPassphraseFile(file, new DataDirectory(dir.resolve("other")))
                .unwrap(wrapped, "p")).isInstanceOf(KeyUnwrapException.class);
    }
}
