package dev.ebb.metadata;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A signed statement of one day's Merkle tree (the STH of RFC 6962 §3.5, per day): size, root and time, plus the
 * hash of the latest head of the previous day that had records, which chains the days together. Signed with Ed25519
 * (RFC 8032) over the encoding without the signature.
 *
 * @param day              the day cycle (UTC)
 * @param treeSize         number of records covered
 * @param rootHash         RFC 6962 root over those records (32 bytes)
 * @param timestamp        when the head was signed (store clock, ms)
 * @param previousDay      the previous day with records, or null for the first day of the store
 * @param previousHeadHash SHA-256 of the encoding of that day's latest head (32 zero bytes when none)
 * @param signature        Ed25519 signature (64 bytes)
 */
public record SignedTreeHead(LocalDate day, long treeSize, byte[] rootHash, Instant timestamp, LocalDate previousDay,
                             byte[] previousHeadHash, byte[] signature) {
    static final int VERSION = 1;
    static final int SIGNED_LENGTH = 1 + 4 + 8 + 32 + 8 + 4 + 32;
    static final int LENGTH = SIGNED_LENGTH + 64;
    private static final int NO_DAY = Integer.MIN_VALUE;

    static SignedTreeHead sign(LocalDate day, long size, byte[] root, Instant time, SignedTreeHead previous,
                               PrivateKey key) {
        LocalDate prevDay = previous == null ? null : previous.day();
        byte[] prevHash = previous == null ? new byte[32] : previous.hash();
        SignedTreeHead unsigned = new SignedTreeHead(day, size, root, time, prevDay, prevHash, new byte[64]);
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(unsigned.signedBytes());
            return new SignedTreeHead(day, size, root, time, prevDay, prevHash, s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    /** True if the signature is valid for {@code key}. */
    public boolean verifySignature(PublicKey key) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(signedBytes());
            return s.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** SHA-256 of the full encoding, the value the next day's head commits to. */
    public byte[] hash() {
        return Sha256.digest().digest(encode());
    }

    /** The previous day, if this is not the first day of the store. */
    public Optional<LocalDate> previous() {
        return Optional.ofNullable(previousDay);
    }

    byte[] encode() {
        return ByteBuffer.allocate(LENGTH).put(signedBytes()).put(signature).array();
    }

    private byte[] signedBytes() {
        return ByteBuffer.allocate(SIGNED_LENGTH).put((byte) VERSION).putInt((int) day.toEpochDay()).putLong(treeSize)
                .put(rootHash).putLong(timestamp.toEpochMilli())
                .putInt(previousDay == null ? NO_DAY : (int) previousDay.toEpochDay()).put(previousHeadHash).array();
    }

    static SignedTreeHead decode(ByteBuffer b) {
        int version = b.get();
        if (version != VERSION) {
            throw new MetadataStoreException("signed tree head of unknown version " + version);
        }
        LocalDate day = LocalDate.ofEpochDay(b.getInt());
        long size = b.getLong();
        byte[] root = new byte[32];
        b.get(root);
        Instant time = Instant.ofEpochMilli(b.getLong());
        int prev = b.getInt();
        byte[] prevHash = new byte[32];
        b.get(prevHash);
        byte[] sig = new byte[64];
        b.get(sig);
        return new SignedTreeHead(day, size, root, time, prev == NO_DAY ? null : LocalDate.ofEpochDay(prev), prevHash,
                sig);
    }

    boolean sameAs(SignedTreeHead other) {
        return other != null && Arrays.equals(encode(), other.encode());
    }

    /** Equal when the encodings are equal (the arrays inside are compared by content, not identity). */
    @Override
    public boolean equals(Object o) {
        return o instanceof SignedTreeHead h && sameAs(h);
    }

    /** Consistent with {@link #equals}: over the encoding. */
    @Override
    public int hashCode() {
        return Arrays.hashCode(encode());
    }

    /** Day, size, root (hex), time and previous day; no signature bytes. */
    @Override
    public String toString() {
        return "SignedTreeHead[" + day + " size=" + treeSize + " root=" + HexFormat.of().formatHex(rootHash)
                + " at " + timestamp + " prev=" + previousDay + "]";
    }
}
