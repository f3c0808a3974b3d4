package dev.ebb.gateway.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the key-encryption key (KEK) comes from ({@code keys:} in {@code ebb.yaml}): every key Ebb keeps in its data
 * directory (content bucket keys, metadata day keys, the tree-head and delivery signing keys) is stored wrapped under
 * it, so a copy of the data directory without the KEK reveals no content and no number. At most one source.
 *
 * @param require refuse to start without a KEK (production); absent means false: the embedded defaults start with
 *                the keys in clear and a warning
 * @param file    a passphrase file outside the data directory, owner-only; the environment variable
 *                {@value #KEK_FILE_ENV} sets it too (see {@link #withEnvironment})
 * @param pkcs11  a secret key in a PKCS#11 token (an HSM)
 */
public record KeysConfig(Boolean require, Path file, Pkcs11Config pkcs11) {
    /** The environment variable naming the KEK passphrase file. */
    public static final String KEK_FILE_ENV = "EBB_KEK_FILE";

    public KeysConfig {
        require = require != null && require;
        ConfigException.require(file == null || pkcs11 == null, "keys",
                "give one key-encryption key: file (or " + KEK_FILE_ENV + ") or pkcs11, not both");
    }

    public static KeysConfig defaults() {
        return new KeysConfig(null, null, null);
    }

    /** The same keys with {@value #KEK_FILE_ENV}, when set, as {@link #file}: the file is given at start. */
    public KeysConfig withEnvironment(Map<String, String> env) {
        String given = env.get(KEK_FILE_ENV);
        if (given == null || given.isBlank()) {
            return this;
        }
        ConfigException.require(pkcs11 == null, KEK_FILE_ENV, "is set, and keys.pkcs11 too: give one key-encryption key");
        return new KeysConfig(require, Path.of(given), null);
    }

    /** Whether a KEK source is given. */
    public boolean configured() {
        return file != null || pkcs11 != null;
    }
}
