package dev.ebb.metadata;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Protection of identifiers at rest for one day cycle (DESIGN invariant 3), under keys derived from that day's
 * secret so that destroying the secret makes the day's numbers unrecoverable.
 *
 * <p>Sealing is AES-SIV (RFC 5297, AES-256 for both S2V and CTR) with the value's kind as associated data: the
 * synthetic IV {@code tag = S2V(kind, value)} authenticates the value, and the ciphertext is AES-CTR from that IV.
 * The same tag is the keyed blind index of the value (its first 8 bytes), so a lookup by number needs no decryption
 * and the data directory holds no number in clear. Determinism only reveals equality within one day and kind, which
 * the blind index reveals anyway. AES-SIV replaced an HMAC-SHA256-based SIV: a short identifier now costs three AES
 * blocks instead of four SHA-256 compressions.
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
    static final int KIND_REFERENCE = 7;
    private static final int MAX_PLAIN = 64;

    /** Cache kind of a source address's index key, looked up by the address as given (not its index form). */
    private static final int CACHE_SOURCE_AS_GIVEN = 0x100 | KIND_SOURCE_INDEX;
    /** Cache slots of the writer's instance: a working set of recent numbers, message ids, customers and clients. */
    static final int WRITER_CACHE = 1 << 12;
    /** Cache slots of a reader's instance (a query looks up a handful of keys; no need for a large cache). */
    static final int READER_CACHE = 1;

    private final AesSiv siv;
    /** S2V state after the associated data, per kind: computed once, as the kind is the only associated data. */
    private final byte[][] kindState = new byte[KIND_REFERENCE + 1][];
    private final byte[] tag = new byte[TAG_LENGTH];
    private final byte[] plain = new byte[MAX_PLAIN];
    // Direct-mapped caches of index keys and sealed values: a message's records repeat its numbers, customer and
    // client, so a hit skips the AES work and the string conversion. Values are Strings or InetAddresses (both compare
    // by value without allocating).
    private final int cacheMask;
    private final Object[] cacheValue;
    private final int[] cacheKind;
    private final byte[][] cacheSealed;
    private final long[] cacheKey;

    /**
     * @param daySecret  the day's secret
     * @param cacheSlots slots of the identifier cache, a power of two ({@link #WRITER_CACHE}, {@link #READER_CACHE})
     */
    DayCrypto(byte[] daySecret, int cacheSlots) {
        if (Integer.bitCount(cacheSlots) != 1) {
            throw new IllegalArgumentException("cacheSlots must be a power of two, was " + cacheSlots);
        }
        cacheMask = cacheSlots - 1;
        cacheValue = new Object[cacheSlots];
        cacheKind = new int[cacheSlots];
        cacheSealed = new byte[cacheSlots][];
        cacheKey = new long[cacheSlots];
        try {
            Mac derive = Mac.getInstance("HmacSHA256");
            derive.init(new SecretKeySpec(daySecret, "HmacSHA256"));
            byte[] s2vKey = derive.doFinal("ebb-metadata aes-siv s2v key v2".getBytes(StandardCharsets.US_ASCII));
            byte[] ctrKey = derive.doFinal("ebb-metadata aes-siv ctr key v2".getBytes(StandardCharsets.US_ASCII));
            siv = new AesSiv(s2vKey, ctrKey);
            Arrays.fill(s2vKey, (byte) 0);
            Arrays.fill(ctrKey, (byte) 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks HmacSHA256", e);
        }
        for (int kind = KIND_SOURCE; kind < kindState.length; kind++) {
            kindState[kind] = siv.associatedData(new byte[] {(byte) kind});
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
        remember(slot, kind, value, key);
        return key;
    }

    /** The 64-bit index key of a value of the given kind given as bytes (not cached: looked up once per query). */
    long indexKey(int kind, byte[] value) {
        return tag(kind, value, value.length);
    }

    /** The index key of a source address: of its E.164 form when numeric ({@link SourceAddress#indexForm()}). */
    long sourceIndexKey(SourceAddress source) {
        String value = source.value();
        int slot = slot(CACHE_SOURCE_AS_GIVEN, value);
        if (cacheKind[slot] == CACHE_SOURCE_AS_GIVEN && value.equals(cacheValue[slot])) {
            return cacheKey[slot];
        }
        String indexForm = source.indexForm();
        int len = ascii(indexForm, plain);
        long key = tag(KIND_SOURCE_INDEX, plain, len);
        remember(slot, CACHE_SOURCE_AS_GIVEN, value, key);
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
        long key = seal(kind, plain, len, out);
        rememberSealed(slot, kind, value, key, out, TAG_LENGTH + 1 + len);
        return key;
    }

    /** Writes {@code tag(16) ‖ len(1) ‖ ciphertext(len)} of an IP address's bytes (4 or 16). */
    void sealAddress(InetAddress address, ByteBuffer out) {
        int slot = slot(KIND_CLIENT_IP, address);
        if (cacheKind[slot] == KIND_CLIENT_IP && address.equals(cacheValue[slot]) && cacheSealed[slot] != null) {
            out.put(cacheSealed[slot]);
            return;
        }
        byte[] raw = address.getAddress();
        long key = seal(KIND_CLIENT_IP, raw, raw.length, out);
        rememberSealed(slot, KIND_CLIENT_IP, address, key, out, TAG_LENGTH + 1 + raw.length);
    }

    /** Writes {@code tag(16) ‖ len(1) ‖ ciphertext(len)} of raw bytes and returns the index key. */
    long seal(int kind, byte[] value, int len, ByteBuffer out) {
        long key = tag(kind, value, len);
        int pos = out.position();
        byte[] a = out.array();
        System.arraycopy(tag, 0, a, pos, TAG_LENGTH);
        a[pos + TAG_LENGTH] = (byte) len;
        System.arraycopy(value, 0, a, pos + TAG_LENGTH + 1, len);
        siv.ctr(tag, a, pos + TAG_LENGTH + 1, len);
        out.position(pos + TAG_LENGTH + 1 + len);
        return key;
    }

    /**
     * Reads a sealed value written by {@link #seal} and returns the plaintext.
     *
     * @throws IllegalStateException if the tag does not authenticate the value (wrong key or altered bytes)
     */
    byte[] open(int kind, ByteBuffer in) {
        byte[] stored = new byte[TAG_LENGTH];
        in.get(stored);
        int len = in.get() & 0xFF;
        if (len > MAX_PLAIN) {
            throw new IllegalStateException("sealed value longer than " + MAX_PLAIN);
        }
        byte[] value = new byte[len];
        in.get(value);
        siv.ctr(stored, value, 0, len);
        tag(kind, value, len);
        if (!MessageDigest.isEqual(tag, stored)) {
            throw new IllegalStateException("sealed identifier does not authenticate (altered, or wrong day key)");
        }
        return value;
    }

    String openAscii(int kind, ByteBuffer in) {
        return new String(open(kind, in), StandardCharsets.US_ASCII);
    }

    /** Computes the synthetic IV into {@code tag} and returns its first 8 bytes as the index key. */
    private long tag(int kind, byte[] value, int len) {
        siv.syntheticIv(kindState[kind], value, len, tag);
        long key = 0;
        for (int i = 0; i < 8; i++) {
            key = (key << 8) | (tag[i] & 0xFF);
        }
        return key;
    }

    private int slot(int kind, Object value) {
        int h = value.hashCode() * 31 + kind;
        return (h ^ (h >>> 16)) & cacheMask;
    }

    private void remember(int slot, int kind, Object value, long key) {
        cacheValue[slot] = value;
        cacheKind[slot] = kind;
        cacheSealed[slot] = null;
        cacheKey[slot] = key;
    }

    /** Caches the {@code length} sealed bytes just written before {@code out}'s position, reusing the slot's array. */
    private void rememberSealed(int slot, int kind, Object value, long key, ByteBuffer out, int length) {
        byte[] sealed = cacheSealed[slot];
        if (sealed == null || sealed.length != length) {
            sealed = new byte[length];
        }
        out.get(out.position() - length, sealed);
        remember(slot, kind, value, key);
        cacheSealed[slot] = sealed;
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
