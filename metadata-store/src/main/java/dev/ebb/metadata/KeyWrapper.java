package dev.ebb.metadata;

/**
 * A key-encryption key (KEK) kept outside the data directory, under which the secrets a store keeps on disk (the
 * metadata store's day keys and signing key, the gateway's content and delivery keys) are stored wrapped: a copy of
 * the data directory without the KEK opens none of them. The gateway implements it (a key in a PKCS#11 token, or one
 * derived from a secret file given at start); this module only calls it, through {@link WrappedKeys}.
 *
 * <p>Implementations are thread-safe. Wrapping is authenticated encryption with {@code purpose} as associated data,
 * so a wrapped key opens only as what it was wrapped for: one day's key cannot be swapped in for another's.
 */
public interface KeyWrapper {
    /**
     * Encrypts {@code key} under the KEK, bound to {@code purpose}. Each call draws a new nonce, so the output differs
     * every time; its length depends only on the key's.
     */
    byte[] wrap(byte[] key, String purpose);

    /**
     * Opens what {@link #wrap} returned for the same {@code purpose}.
     *
     * @throws KeyUnwrapException if it does not open: another KEK, another purpose, or altered bytes
     */
    byte[] unwrap(byte[] wrapped, String purpose);

    /** Names the KEK for messages and logs: where it comes from, never its value ({@code from file /etc/ebb/kek}). */
    String describe();
}
