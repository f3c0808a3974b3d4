package dev.ebb.metadata;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A C2SP signed-note verifier key ("vkey"): {@code <key name>+<hex key ID>+<base64(signature type || public key)>}.
 * Two Ed25519 types are known: {@link #TYPE_ED25519} for a log's note signatures (signed-note) and
 * {@link #TYPE_COSIGNATURE} for a witness's timestamped cosignatures (tlog-cosignature). The key ID is always
 * {@code SHA-256(name || 0x0A || type || public key)[:4]}; a vkey whose ID is another is refused.
 *
 * @param name      the key name: non-empty, no Unicode space, no {@code +}
 * @param keyId     the 32-bit key ID
 * @param type      the signature type byte
 * @param publicKey the 32-byte Ed25519 public key
 */
public record NoteVerifierKey(String name, int keyId, int type, byte[] publicKey) {
    /** Ed25519 note signatures (c2sp.org/signed-note). */
    public static final int TYPE_ED25519 = 0x01;
    /** Timestamped Ed25519 checkpoint cosignatures (c2sp.org/tlog-cosignature). */
    public static final int TYPE_COSIGNATURE = 0x04;

    /** Checks the name, the type and that the key ID is the one the name and key give. */
    public NoteVerifierKey {
        requireKeyName(name);
        if (type != TYPE_ED25519 && type != TYPE_COSIGNATURE) {
            throw new IllegalArgumentException("unknown signature type 0x" + Integer.toHexString(type));
        }
        if (publicKey.length != Ed25519Keys.KEY_LENGTH) {
            throw new IllegalArgumentException("an Ed25519 key has 32 bytes, not " + publicKey.length);
        }
        publicKey = publicKey.clone();
        if (keyId != keyId(name, type, publicKey)) {
            throw new IllegalArgumentException("key ID " + hex(keyId) + " is not the ID of key " + name
                    + " (" + hex(keyId(name, type, publicKey)) + ")");
        }
    }

    /** The verifier key of {@code key} named {@code name}, with its computed ID. */
    public static NoteVerifierKey of(String name, int type, PublicKey key) {
        byte[] raw = Ed25519Keys.raw(key);
        return new NoteVerifierKey(name, keyId(name, type, raw), type, raw);
    }

    /**
     * Parses a vkey.
     *
     * @throws IllegalArgumentException naming what is wrong with it
     */
    public static NoteVerifierKey parse(String vkey) {
        String[] parts = vkey.strip().split("\\+", 3);
        if (parts.length != 3 || !parts[1].matches("[0-9a-f]{8}")) {
            throw new IllegalArgumentException("a verifier key is <name>+<8 lowercase hex digits>+<base64>");
        }
        byte[] material = SignedNote.decodeBase64(parts[2], "verifier key");
        if (material.length != 1 + Ed25519Keys.KEY_LENGTH) {
            throw new IllegalArgumentException("verifier key " + parts[0] + " holds " + material.length
                    + " bytes, not a type byte and a 32-byte Ed25519 key");
        }
        return new NoteVerifierKey(parts[0], Integer.parseUnsignedInt(parts[1], 16), material[0] & 0xff,
                Arrays.copyOfRange(material, 1, material.length));
    }

    /** {@code SHA-256(name || 0x0A || type || key)[:4]} as a big-endian integer. */
    public static int keyId(String name, int type, byte[] key) {
        MessageDigest d = Sha256.digest();
        d.update(name.getBytes(StandardCharsets.UTF_8));
        d.update((byte) '\n');
        d.update((byte) type);
        d.update(key);
        return ByteBuffer.wrap(d.digest()).getInt();
    }

    /** The key as a JDK key. */
    public PublicKey javaKey() {
        return Ed25519Keys.publicKey(publicKey);
    }

    /** True if {@code sig} is this key's (same name and ID): a signature of another key is not checked by it. */
    public boolean signed(SignedNote.Signature sig) {
        return sig.keyName().equals(name) && sig.keyId() == keyId;
    }

    /** The public key bytes (a copy). */
    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** Equal when name, ID, type and key are. */
    @Override
    public boolean equals(Object o) {
        return o instanceof NoteVerifierKey k && k.name.equals(name) && k.keyId == keyId && k.type == type
                && MessageDigest.isEqual(k.publicKey, publicKey);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + keyId;
    }

    /** The vkey text. */
    @Override
    public String toString() {
        byte[] material = new byte[1 + publicKey.length];
        material[0] = (byte) type;
        System.arraycopy(publicKey, 0, material, 1, publicKey.length);
        return name + "+" + hex(keyId) + "+" + Base64.getEncoder().encodeToString(material);
    }

    static String hex(int keyId) {
        return HexFormat.of().toHexDigits(keyId);
    }

    /** signed-note: key names are non-empty and contain neither Unicode spaces nor {@code +}. */
    static void requireKeyName(String name) {
        if (name == null || name.isEmpty() || name.chars().anyMatch(c -> c == '+' || Character.isWhitespace(c)
                || Character.isSpaceChar(c) || c < 0x20)) {
            throw new IllegalArgumentException("a key name is non-empty, without spaces or '+': '" + name + "'");
        }
    }
}
