package dev.ebb.metadata;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Protection of identifiers at rest for one day cycle (DESIGN invariant 3), under keys derived from that day's
 * secret so that destroying the secret makes the day's numbers unrecoverable.
 *
 * <p>Sealing is deterministic authenticated encryption in the SIV style (RFC 5297 §2.6, with HMAC-SHA256 as the
 * PRF instead of S2V/CMAC): the synthetic IV is {@code tag = HMAC(indexKey, kind ‖ value)[0..16]}, the ciphertext is
 * AES-256-CTR under {@code encKey} starting at that IV. The same tag is the keyed blind index of the value, so a
 * lookup by number needs no decryption and the data directory holds no number in clear. Determinism only reveals
 * equality within one day, which the blind index reveals anyway.
 *
 * <p>Not thread-safe: one instance per thread (the writer owns one; readers make their own).
 */
final class DayCrypto {
    static final int TAG_LENGTH = 16;
    static final int KIND_SOURCE = 1;
    static final int KIND_DESTINATION = 2;
    static final int KIND_CLIENT_IP = 3;
    static final int KIND_MESSAGE_ID = 4;
    static final int KIND_CUSTOMER = 5;
    static final int KIND_SOURCE_INDEX = 6;
    private static final int MAX_PLAIN = 64;
    private static final int CACHE_SIZE = 1 << 12;

    private final Mac mac;
    private final Cipher aes;
    private final byte[] macOut = new byte[32];
    private final byte[] counter = new byte[MAX_PLAIN];
    private final byte[] keystream = new byte[MAX_PLAIN];
    private final byte[] plain = new byte[MAX_PLAIN];
    // Direct-mapped caches: a message's records repeat its numbers and customer, and each HMAC costs four SHA-256
    // compressions, so this keeps the append path near one million records per second.
    private final String[] cacheValue = new String[CACHE_SIZE];
    private final int[] cacheKind = new int[CACHE_SIZE];
    private final byte[][] cacheSealed = new byte[CACHE_SIZE][];
    private final long[] cacheKey = new long[CACHE_SIZE];

    DayCrypto(byte[] daySecret) {
        try {
            Mac derive = Mac.getInstance("HmacSHA256");
            derive.init(new SecretKeySpec(daySecret, "HmacSHA256"));
            byte[] indexKey = derive.doFinal("ebb-metadata index key v1".getBytes(StandardCharsets.US_ASCII));
            byte[] encKey = derive.doFinal("ebb-metadata encryption key v1".getBytes(StandardCharsets.US_ASCII));
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(indexKey, "HmacSHA256"));
            aes = Cipher.getInstance("AES/ECB/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(encKey, "AES"));
            Arrays.fill(indexKey, (byte) 0);
            Arrays.fill(encKey, (byte) 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks HmacSHA256 or AES", e);
        }
    }

    /** The 64-bit index key of an ASCII value of the given kind (first 8 bytes of its tag). */
    long indexKey(int kind, String value) {
        int slot = slot(kind, value);
        if (cacheKind[slot] == kind && value.equals(cacheValue[slot])) {
            return cacheKey[slot];
        }
        int len = ascii(value, plain);
        long key = tag(kind, plain, len);
        remember(slot, kind, value, null, key);
        return key;
    }

    /**
     * Writes {@code tag(16) ‖ len(1) ‖ ciphertext(len)} of an ASCII value and returns its index key.
     */
    long sealAscii(int kind, String value, ByteBuffer out) {
        int slot = slot(kind, value);
        if (cacheKind[slot] == kind && value.equals(cacheValue[slot]) && cacheSealed[slot] != null) {
            out.put(cacheSealed[slot]);
            return cacheKey[slot];
        }
        int len = ascii(value, plain);
        int start = out.position();
        long key = seal(kind, plain, len, out);
        byte[] sealed = new byte[out.position() - start];
        out.get(start, sealed);
        remember(slot, kind, value, sealed, key);
        return key;
    }

    /** Writes {@code tag(16) ‖ len(1) ‖ ciphertext(len)} of raw bytes and returns the index key. */
    long seal(int kind, byte[] value, int len, ByteBuffer out) {
        long key = tag(kind, value, len);
        out.put(macOut, 0, TAG_LENGTH);
        out.put((byte) len);
        keystream(len);
        for (int i = 0; i < len; i++) {
            out.put((byte) (value[i] ^ keystream[i]));
        }
        return key;
    }

    /**
     * Reads a sealed value written by {@link #seal} and returns the plaintext.
     *
     * @throws IllegalStateException if the tag does not authenticate the value (wrong key or altered bytes)
     */
    byte[] open(int kind, ByteBuffer in) {
        byte[] tag = new byte[TAG_LENGTH];
        in.get(tag);
        int len = in.get() & 0xFF;
        if (len > MAX_PLAIN) {
            throw new IllegalStateException("sealed value longer than " + MAX_PLAIN);
        }
        System.arraycopy(tag, 0, macOut, 0, TAG_LENGTH);
        keystream(len);
        byte[] value = new byte[len];
        in.get(value);
        for (int i = 0; i < len; i++) {
            value[i] ^= keystream[i];
        }
        tag(kind, value, len);
        if (!MessageDigest.isEqual(Arrays.copyOf(macOut, TAG_LENGTH), tag)) {
            throw new IllegalStateException("sealed identifier does not authenticate (altered, or wrong day key)");
        }
        return value;
    }

    String openAscii(int kind, ByteBuffer in) {
        return new String(open(kind, in), StandardCharsets.US_ASCII);
    }

    /** Computes the tag into {@code macOut} and returns its first 8 bytes as the index key. */
    private long tag(int kind, byte[] value, int len) {
        try {
            mac.update((byte) kind);
            mac.update(value, 0, len);
            mac.doFinal(macOut, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        long key = 0;
        for (int i = 0; i < 8; i++) {
            key = (key << 8) | (macOut[i] & 0xFF);
        }
        return key;
    }

    /** AES-CTR keystream for {@code len} bytes starting at the IV in {@code macOut[0..16]}. */
    private void keystream(int len) {
        int blocks = (len + 15) / 16;
        for (int b = 0; b < blocks; b++) {
            System.arraycopy(macOut, 0, counter, b * 16, 16);
            // 32-bit big-endian block counter in the IV's last word, as in RFC 3686 §4.
            int word = ((counter[b * 16 + 12] & 0xFF) << 24 | (counter[b * 16 + 13] & 0xFF) << 16
                    | (counter[b * 16 + 14] & 0xFF) << 8 | (counter[b * 16 + 15] & 0xFF)) + b;
            counter[b * 16 + 12] = (byte) (word >>> 24);
            counter[b * 16 + 13] = (byte) (word >>> 16);
            counter[b * 16 + 14] = (byte) (word >>> 8);
            counter[b * 16 + 15] = (byte) word;
        }
        if (blocks > 0) {
            try {
                aes.update(counter, 0, blocks * 16, keystream, 0);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static int slot(int kind, String value) {
        int h = value.hashCode() * 31 + kind;
        return (h ^ (h >>> 16)) & (CACHE_SIZE - 1);
    }

    private void remember(int slot, int kind, String value, byte[] sealed, long key) {
        cacheValue[slot] = value;
        cacheKind[slot] = kind;
        cacheSealed[slot] = sealed;
        cacheKey[slot] = key;
    }

    private static int ascii(String s, byte[] out) {
        int n = s.length();
        if (n > MAX_PLAIN) {
            throw new IllegalArgumentException("identifier longer than " + MAX_PLAIN);
        }
        for (int i = 0; i < n; i++) {
            out[i] = (byte) s.charAt(i);
        }
        return n;
    }
}
