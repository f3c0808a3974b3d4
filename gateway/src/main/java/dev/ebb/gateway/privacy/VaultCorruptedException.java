package dev.ebb.gateway.privacy;

/** A content file or record fails its checks (format, checksum or AES-GCM authentication). */
public final class VaultCorruptedException extends VaultException {
    public VaultCorruptedException(String message) {
        super(message);
    }

    public VaultCorruptedException(String message, Throwable cause) {
        super(message, cause);
    }
}
