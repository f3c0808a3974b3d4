package dev.ebb.metadata;

import java.security.PublicKey;
import java.util.List;

/**
 * Proof that a stored record is in a day's signed tree (RFC 6962 §2.1.1 audit path), for exports: anyone with the
 * store's public key can check it with {@link #verify(InclusionProof, PublicKey)}.
 *
 * @param ref         the record's position (its leaf index is {@code ref.sequence()})
 * @param recordBytes the record exactly as stored (identifiers sealed); the leaf is {@code SHA-256(0x00 ‖ bytes)}
 * @param auditPath   the audit path, leaf to root
 * @param head        the signed head the path leads to
 */
public record InclusionProof(RecordRef ref, byte[] recordBytes, List<byte[]> auditPath, SignedTreeHead head) {
    /** Copies the path. */
    public InclusionProof {
        auditPath = List.copyOf(auditPath);
    }

    /**
     * True if the head is signed by {@code key}, is for the record's day, and the audit path leads from the record's
     * leaf to the head's root.
     */
    public static boolean verify(InclusionProof proof, PublicKey key) {
        return proof.head().verifySignature(key) && proof.head().day().equals(proof.ref().day())
                && MerkleTree.verifyInclusion(MerkleTree.leafHash(proof.recordBytes()), proof.ref().sequence(),
                proof.head().treeSize(), proof.auditPath(), proof.head().rootHash());
    }
}
