package dev.ebb.gateway.privacy;

/**
 * The content vault could not do what was asked. Messages name paths, customers, buckets and positions only,
 * never content bytes (DESIGN.md invariant 1).
 */
public sealed class VaultException extends RuntimeException
        permits KeyStoreCorruptedException, KeyStoreMissingException, VaultCorruptedException {
    public VaultException(String message) {
        super(message);
    }

    public VaultException(String message, Throwable cause) {
        super(message, cause);
    }
}
