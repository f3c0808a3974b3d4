package dev.ebb.gateway.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The folders of a gateway data directory ({@code dataDir} in ebb.yaml), named once: the gateway and every command
 * ask here. The names are the on-disk format; renaming one strands the data of every existing installation.
 *
 * @param root the data directory
 */
public record DataDirectory(Path root) {
    public DataDirectory {
        Objects.requireNonNull(root, "dataDir");
    }

    /** The per-customer, per-time-bucket content keys (crypto-shredding, DESIGN.md invariant 2). */
    public Path contentKeys() {
        return root.resolve("content-keys");
    }

    /** The content vault: encrypted message content, kept at most 72 h. */
    public Path content() {
        return root.resolve("content");
    }

    /** The keys of the receipt outbox, per customer and hour, as {@link #contentKeys()} are for content. */
    public Path receiptKeys() {
        return root.resolve("receipt-keys");
    }

    /** The receipt outbox: the receipts owed to customers, sealed like content, kept at most 72 h. */
    public Path receipts() {
        return root.resolve("receipts");
    }

    /** The keys of {@link #kannelDlrs()}, per customer and hour, as {@link #contentKeys()} are for content. */
    public Path kannelDlrKeys() {
        return root.resolve("kannel-dlr-keys");
    }

    /**
     * What Kannel-style sendsms requests asked to be told (their dlr-urls), sealed like content, kept until the
     * final report is done and at most 72 h.
     */
    public Path kannelDlrs() {
        return root.resolve("kannel-dlrs");
    }

    /** The metadata store: traffic records, kept at most 12 months. */
    public Path metadata() {
        return root.resolve("metadata");
    }

    /** The audit log's folder (the storage guard watches it). */
    public Path audit() {
        return root.resolve("audit");
    }

    /** The hash-chained audit log of compliance actions. */
    public Path auditLog() {
        return audit().resolve("audit.log");
    }

    /**
     * The salt and work factor that derive the key-encryption key from a passphrase file: not secret, but without it
     * the passphrase opens nothing, so it is kept (and backed up) with the keys it protects.
     */
    public Path kekSalt() {
        return root.resolve("kek-salt");
    }

    /** The answers remembered for the customer API's {@code Idempotency-Key}s, an hour per file, kept 24 h. */
    public Path idempotencyKeys() {
        return root.resolve("idempotency-keys");
    }

    /** The key that signs what the compliance API delivers. */
    public Path deliveryKey() {
        return root.resolve("compliance").resolve("delivery.key");
    }
}
