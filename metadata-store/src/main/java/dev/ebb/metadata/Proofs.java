package dev.ebb.metadata;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

/**
 * Builds RFC 6962 §2.1.1 inclusion proofs of stored records against the latest signed head of their day, from the
 * day's leaf log (whose root that head signs) and the records as stored. Reads files only; it asks the writer first
 * to sign and flush the day being written, so the files cover the records asked for.
 */
final class Proofs {
    private final DayFiles files;
    private final SingleChronicleQueue queue;
    private final DayWriter writer;

    Proofs(DayFiles files, SingleChronicleQueue queue, DayWriter writer) {
        this.files = files;
        this.queue = queue;
        this.writer = writer;
    }

    /** See {@link MetadataStore#inclusionProofs}. */
    List<InclusionProof> of(List<RecordRef> refs) {
        Map<LocalDate, List<RecordRef>> byDay = new TreeMap<>();
        for (RecordRef ref : refs) {
            Fields.requireNonNull("ref", ref);
            byDay.computeIfAbsent(ref.day(), d -> new ArrayList<>()).add(ref);
        }
        Map<RecordRef, InclusionProof> proofs = new HashMap<>();
        for (Map.Entry<LocalDate, List<RecordRef>> day : byDay.entrySet()) {
            long highest = day.getValue().stream().mapToLong(RecordRef::sequence).max().orElseThrow();
            writer.signThrough(day.getKey(), highest);
            List<SignedTreeHead> heads = files.readHeads(day.getKey());
            SignedTreeHead head = heads.isEmpty() ? null : heads.get(heads.size() - 1);
            if (head == null || head.treeSize() <= highest) {
                throw new IllegalArgumentException("no signed record " + new RecordRef(day.getKey(), highest));
            }
            // The day's subtrees are hashed once for all its records (an export page), not once per record.
            MerkleTree.Paths paths = MerkleTree.paths(leaves(day.getKey(), head.treeSize()));
            try (ExcerptTailer tailer = queue.createTailer()) {
                for (RecordRef ref : day.getValue()) {
                    byte[] bytes = Cycles.read(tailer, ref.day(), ref.sequence());
                    if (bytes == null) {
                        throw new IllegalArgumentException("no record " + ref);
                    }
                    proofs.put(ref, new InclusionProof(ref, bytes, paths.of((int) ref.sequence()), head));
                }
            }
        }
        return refs.stream().map(proofs::get).toList();
    }

    /** The first {@code treeSize} leaf hashes of the day's leaf log. */
    private List<byte[]> leaves(LocalDate day, long treeSize) {
        byte[] all = files.readLeaves(day);
        List<byte[]> leaves = new ArrayList<>((int) treeSize);
        for (int i = 0; i < treeSize; i++) {
            byte[] l = new byte[MerkleTree.HASH_LENGTH];
            System.arraycopy(all, i * MerkleTree.HASH_LENGTH, l, 0, MerkleTree.HASH_LENGTH);
            leaves.add(l);
        }
        return leaves;
    }
}
