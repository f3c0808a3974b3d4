package dev.ebb.metadata;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.security.PublicKey;
import java.time.LocalDate;
import java.util.ArrayList;
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

    /**
     * The proof as bytes, for a cluster node to ship it: {@code u32 epoch day | i64 sequence | u16 length + record
     * bytes | u8 path length + 32 bytes each | u16 length + the head's encoding}. The record bytes stay as sealed as
     * on disk.
     */
    public byte[] encode() {
        byte[] head = this.head.encode();
        ByteBuffer out = ByteBuffer.allocate(4 + 8 + 2 + recordBytes.length + 1 + auditPath.size()
                * MerkleTree.HASH_LENGTH + 2 + head.length);
        out.putInt((int) ref.day().toEpochDay()).putLong(ref.sequence());
        out.putShort((short) recordBytes.length).put(recordBytes);
        out.put((byte) auditPath.size());
        auditPath.forEach(out::put);
        out.putShort((short) head.length).put(head);
        return out.array();
    }

    /**
     * What {@link #encode} wrote.
     *
     * @throws IllegalArgumentException if the bytes are not such a proof
     */
    public static InclusionProof decode(byte[] encoded) {
        try {
            ByteBuffer in = ByteBuffer.wrap(encoded);
            RecordRef ref = new RecordRef(LocalDate.ofEpochDay(in.getInt()), in.getLong());
            byte[] record = new byte[in.getShort() & 0xFFFF];
            in.get(record);
            int steps = in.get() & 0xFF;
            List<byte[]> path = new ArrayList<>(steps);
            for (int i = 0; i < steps; i++) {
                byte[] step = new byte[MerkleTree.HASH_LENGTH];
                in.get(step);
                path.add(step);
            }
            ByteBuffer head = in.slice(in.position() + 2, in.getShort() & 0xFFFF);
            return new InclusionProof(ref, record, path, SignedTreeHead.decode(head));
        } catch (BufferUnderflowException | IndexOutOfBoundsException | MetadataStoreException e) {
            throw new IllegalArgumentException("not an encoded inclusion proof: " + e.getMessage(), e);
        }
    }
}
