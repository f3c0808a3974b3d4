package dev.ebb.metadata;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256, which every Java SE implementation must provide ({@link MessageDigest}'s contract), so its absence is an
 * error, not a checked case at each use. Used by the Merkle trees (RFC 6962), the gateway's audit chain, signed
 * documents and token hashes.
 */
public final class Sha256 {
    private Sha256() {
    }

    /** A fresh digest (a {@link MessageDigest} is not thread-safe: one per use or per owner). */
    public static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    /** The 32-byte hash of {@code bytes}. */
    public static byte[] of(byte[] bytes) {
        return digest().digest(bytes);
    }
}
