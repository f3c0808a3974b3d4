package dev.ebb.metadata;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The on-disk form of a key file wrapped by a {@link KeyWrapper}: {@code magic "EBBW" | version 1 | what the wrapper
 * returned}. A key file in clear never starts so (a day key is 32 random bytes, a PKCS#8 key starts with a DER
 * SEQUENCE, 0x30), so one look tells a wrapped file from one written before a KEK was configured.
 */
public final class WrappedKeys {
    private static final int MAGIC = 0x45424257;
    private static final byte VERSION = 1;
    private static final int HEADER = 5;

    private WrappedKeys() {
    }

    /** Whether {@code stored} is a wrapped key file. */
    public static boolean isWrapped(byte[] stored) {
        return stored.length > HEADER && ByteBuffer.wrap(stored).getInt() == MAGIC && stored[4] == VERSION;
    }

    /** The wrapped file content of {@code key} for {@code purpose}. */
    public static byte[] wrap(KeyWrapper kek, byte[] key, String purpose) {
        byte[] wrapped = kek.wrap(key, purpose);
        return ByteBuffer.allocate(HEADER + wrapped.length).putInt(MAGIC).put(VERSION).put(wrapped).array();
    }

    /**
     * The key in a wrapped file ({@link #isWrapped} true).
     *
     * @param kek      the KEK, or null if none is configured
     * @param keyStore names the key store in the refusal
     * @throws KeyUnwrapException naming {@code keyStore} and {@code file} if it does not open, or there is no KEK
     */
    public static byte[] unwrap(KeyWrapper kek, byte[] stored, String purpose, String keyStore, Path file) {
        return open(kek, Arrays.copyOfRange(stored, HEADER, stored.length), purpose, keyStore, file);
    }

    /**
     * {@link KeyWrapper#unwrap} of what {@link KeyWrapper#wrap} returned, kept in a key file of another layout, with
     * the refusal {@link #unwrap} gives.
     */
    public static byte[] open(KeyWrapper kek, byte[] wrapped, String purpose, String keyStore, Path file) {
        if (kek == null) {
            throw KeyUnwrapException.noKek(keyStore, file);
        }
        try {
            return kek.unwrap(wrapped, purpose);
        } catch (KeyUnwrapException e) {
            throw KeyUnwrapException.wrongKek(keyStore, file, kek, e);
        }
    }
}
