package dev.ebb.metadata;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-SIV deterministic authenticated encryption (RFC 5297): S2V over AES-CMAC (RFC 4493) gives the synthetic IV,
 * AES-CTR from that IV (§2.6) the ciphertext. Built on the JDK's single-block AES so that a short identifier costs a
 * few block encryptions, against four SHA-256 compressions for an HMAC. The associated-data part of S2V can be
 * computed once ({@link #associatedData}) and reused for every plaintext, as the store's associated data is a fixed
 * "kind" byte. Not thread-safe; allocation-free after construction.
 */
final class AesSiv {
    static final int BLOCK = 16;
    private final Cipher macAes;
    private final Cipher ctrAes;
    private final byte[] k1 = new byte[BLOCK];
    private final byte[] k2 = new byte[BLOCK];
    private final byte[] x = new byte[BLOCK];
    private final byte[] block = new byte[BLOCK];
    private final byte[] t = new byte[BLOCK];
    private final byte[] counter = new byte[BLOCK];
    private final byte[] keystream = new byte[BLOCK];
    private final byte[] zeroCmac;

    /**
     * @param macKey AES key (16, 24 or 32 bytes) of S2V, the first half of an RFC 5297 key
     * @param ctrKey AES key of CTR, the second half
     */
    AesSiv(byte[] macKey, byte[] ctrKey) {
        try {
            macAes = Cipher.getInstance("AES/ECB/NoPadding");
            macAes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(macKey, "AES"));
            ctrAes = Cipher.getInstance("AES/ECB/NoPadding");
            ctrAes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(ctrKey, "AES"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks AES", e);
        }
        // RFC 4493 §2.3: L = AES(K, 0^128), K1 = dbl(L), K2 = dbl(K1).
        encrypt(macAes, new byte[BLOCK], k1);
        dbl(k1);
        System.arraycopy(k1, 0, k2, 0, BLOCK);
        dbl(k2);
        zeroCmac = new byte[BLOCK];
        cmac(new byte[BLOCK], BLOCK, zeroCmac);
    }

    /**
     * The S2V state after the associated-data strings (RFC 5297 §2.4: {@code D} after the loop over S1..Sn-1),
     * to pass to {@link #syntheticIv}.
     */
    byte[] associatedData(byte[]... components) {
        byte[] d = zeroCmac.clone();
        byte[] mac = new byte[BLOCK];
        for (byte[] s : components) {
            dbl(d);
            cmac(s, s.length, mac);
            xorInto(d, mac, 0);
        }
        return d;
    }

    /** The synthetic IV {@code V = S2V(K1, AD..., plaintext[0..len))} into {@code ivOut} (16 bytes). */
    void syntheticIv(byte[] adState, byte[] plaintext, int len, byte[] ivOut) {
        if (len >= BLOCK) {
            // T = Sn xorend D: fold D into the plaintext's last block, CMAC, and restore the caller's bytes.
            xorEnd(plaintext, len, adState);
            cmac(plaintext, len, ivOut);
            xorEnd(plaintext, len, adState);
        } else {
            // T = dbl(D) xor pad(Sn), one block.
            System.arraycopy(adState, 0, t, 0, BLOCK);
            dbl(t);
            for (int i = 0; i < BLOCK; i++) {
                t[i] ^= i < len ? plaintext[i] : (byte) (i == len ? 0x80 : 0);
            }
            cmac(t, BLOCK, ivOut);
        }
    }

    /** XORs {@code data[off..off+len)} in place with the CTR keystream from {@code iv} (RFC 5297 §2.6). */
    void ctr(byte[] iv, byte[] data, int off, int len) {
        System.arraycopy(iv, 0, counter, 0, BLOCK);
        // Q = V bitand (1^64 || 0^1 || 1^31 || 0^1 || 1^31): clearing bits 63 and 31 lets implementations increment
        // only the low 32 bits, which is all this does (an identifier is at most four blocks).
        counter[8] &= 0x7F;
        counter[12] &= 0x7F;
        for (int done = 0; done < len; done += BLOCK) {
            encrypt(ctrAes, counter, keystream);
            for (int i = 0; i < BLOCK && done + i < len; i++) {
                data[off + done + i] ^= keystream[i];
            }
            for (int i = BLOCK - 1; i >= 12; i--) {
                if (++counter[i] != 0) {
                    break;
                }
            }
        }
    }

    /** AES-CMAC (RFC 4493 §2.4) of {@code m[0..len)} into {@code out}. */
    void cmac(byte[] m, int len, byte[] out) {
        int n = Math.max(1, (len + BLOCK - 1) / BLOCK);
        boolean complete = len > 0 && len % BLOCK == 0;
        Arrays.fill(x, (byte) 0);
        for (int b = 0; b < n - 1; b++) {
            xorInto(x, m, b * BLOCK);
            encrypt(macAes, x, block);
            System.arraycopy(block, 0, x, 0, BLOCK);
        }
        int last = (n - 1) * BLOCK;
        for (int i = 0; i < BLOCK; i++) {
            byte v = last + i < len ? m[last + i] : (byte) (last + i == len ? 0x80 : 0);
            x[i] ^= (byte) (v ^ (complete ? k1[i] : k2[i]));
        }
        encrypt(macAes, x, out);
    }

    /** {@code m[len-16..len) ^= d} (RFC 5297 §2.1 "xorend"). */
    private static void xorEnd(byte[] m, int len, byte[] d) {
        for (int i = 0; i < BLOCK; i++) {
            m[len - BLOCK + i] ^= d[i];
        }
    }

    /** {@code acc[0..16) ^= src[off..off+16)}. */
    private static void xorInto(byte[] acc, byte[] src, int off) {
        for (int i = 0; i < BLOCK; i++) {
            acc[i] ^= src[off + i];
        }
    }

    /** Doubling in GF(2^128) (RFC 5297 §2.3, RFC 4493 §2.3): shift left one bit, xor 0x87 if the top bit was set. */
    private static void dbl(byte[] v) {
        int carry = (v[0] & 0x80) != 0 ? 0x87 : 0;
        for (int i = 0; i < BLOCK - 1; i++) {
            v[i] = (byte) ((v[i] << 1) | ((v[i + 1] & 0xFF) >>> 7));
        }
        v[BLOCK - 1] = (byte) ((v[BLOCK - 1] << 1) ^ carry);
    }

    private static void encrypt(Cipher aes, byte[] in, byte[] out) {
        try {
            aes.update(in, 0, BLOCK, out, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e);
        }
    }
}
