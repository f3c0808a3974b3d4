package dev.ebb.metadata;

import java.security.DigestException;
import java.security.MessageDigest;

/**
 * The incremental form of an RFC 6962 tree: the roots of the perfect subtrees that make up a tree of size n (one per
 * set bit of n), so that appending a leaf costs amortised one node hash and the root costs at most log2(n) hashes.
 * On the way it keeps the root of every full 256-leaf chunk (the hashes of C2SP tlog-tiles' level-1 tiles), which it
 * computes anyway: a consistency proof for the day's next checkpoint then hashes only chunks, not leaves. Not
 * thread-safe; allocation-free on {@link #append} but for the chunk list growing.
 */
final class MerkleFrontier {
    private final MessageDigest digest = Sha256.digest();
    private final byte[][] subtrees = new byte[64][MerkleTree.HASH_LENGTH];
    private final byte[] carry = new byte[MerkleTree.HASH_LENGTH];
    private final byte[] node = nodePrefix();
    private final Chunks chunks = new Chunks();
    private long size;

    long size() {
        return size;
    }

    /** Hashes {@code 0x00 ‖ data[off..off+len)} into {@code out} (a leaf hash) and appends it. */
    void appendData(byte[] data, int off, int len, byte[] out) {
        digest.update((byte) 0);
        digest.update(data, off, len);
        finish(out);
        append(out);
    }

    void append(byte[] leafHash) {
        System.arraycopy(leafHash, 0, carry, 0, MerkleTree.HASH_LENGTH);
        int level = 0;
        while ((size & (1L << level)) != 0) {
            // 0x01 ‖ left ‖ right in one update: three small updates cost ~10% more per node.
            System.arraycopy(subtrees[level], 0, node, 1, MerkleTree.HASH_LENGTH);
            System.arraycopy(carry, 0, node, 1 + MerkleTree.HASH_LENGTH, MerkleTree.HASH_LENGTH);
            digest.update(node);
            finish(carry);
            level++;
            if (level == TilePath.HEIGHT) {
                chunks.add(carry);
            }
        }
        System.arraycopy(carry, 0, subtrees[level], 0, MerkleTree.HASH_LENGTH);
        size++;
    }

    /** The current root (RFC 6962 MTH); the empty-tree hash when nothing was appended. */
    byte[] root() {
        if (size == 0) {
            return MerkleTree.emptyRoot();
        }
        byte[] root = null;
        for (int level = 0; level < 64; level++) {
            if ((size & (1L << level)) != 0) {
                root = root == null ? subtrees[level].clone() : MerkleTree.nodeHash(subtrees[level], root);
            }
        }
        return root;
    }

    /** The roots of the full 256-leaf chunks so far, in order. */
    Chunks chunks() {
        return chunks;
    }

    /** Roots of full 256-leaf chunks, 32 bytes each, in one growing array. Guarded like the frontier. */
    static final class Chunks {
        private byte[] hashes = new byte[64 * MerkleTree.HASH_LENGTH];
        private int count;

        void add(byte[] hash) {
            if ((count + 1) * MerkleTree.HASH_LENGTH > hashes.length) {
                hashes = java.util.Arrays.copyOf(hashes, hashes.length * 2);
            }
            System.arraycopy(hash, 0, hashes, count * MerkleTree.HASH_LENGTH, MerkleTree.HASH_LENGTH);
            count++;
        }

        int count() {
            return count;
        }

        byte[] get(long i) {
            int at = Math.toIntExact(i) * MerkleTree.HASH_LENGTH;
            return java.util.Arrays.copyOfRange(hashes, at, at + MerkleTree.HASH_LENGTH);
        }
    }

    private static byte[] nodePrefix() {
        byte[] n = new byte[1 + 2 * MerkleTree.HASH_LENGTH];
        n[0] = 1;
        return n;
    }

    private void finish(byte[] out) {
        try {
            digest.digest(out, 0, MerkleTree.HASH_LENGTH);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
    }
}
