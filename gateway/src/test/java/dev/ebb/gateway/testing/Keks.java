package dev.ebb.gateway.testing;

import dev.ebb.gateway.config.KeysConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Key-encryption keys for tests: passphrase files, owner-only as Ebb requires them. */
public final class Keks {
    private Keks() {
    }

    /** A passphrase file {@code dir/name}, 0600, holding {@code passphrase} and a line end. */
    public static Path passphraseFile(Path dir, String name, String passphrase) {
        try {
            Path file = dir.resolve(name);
            Files.writeString(file, passphrase + "\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code keys: {require: true, file: <file>}}. */
    public static KeysConfig required(Path file) {
        return new KeysConfig(true, file, null);
    }
}
