package dev.ebb.gateway.privacy;

import java.nio.file.Path;

/**
 * Vault data exists but the key store that encrypted it is absent, replaced or incomplete. The content cannot be
 * read without it, so Ebb refuses to start instead of treating the messages as gone.
 */
public final class KeyStoreMissingException extends VaultException {
    public KeyStoreMissingException(Path keyStore, Path contentDir, String found) {
        super("key store " + keyStore + " does not match vault data in " + contentDir + ": " + found);
    }
}
