package dev.ebb.gateway.privacy;

import java.nio.file.Path;

/**
 * The key store holds something that is not a valid key store (bad magic, checksum or length). Ebb refuses to start
 * rather than guess: keys are the only way to read live content, so silently dropping one would lose messages.
 */
public final class KeyStoreCorruptedException extends VaultException {
    public KeyStoreCorruptedException(Path path, String found) {
        super("key store corrupted at " + path + ": " + found);
    }
}
