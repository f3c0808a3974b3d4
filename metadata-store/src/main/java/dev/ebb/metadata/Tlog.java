package dev.ebb.metadata;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

/**
 * The read side of the days' transparency logs: proofs and C2SP tlog-tiles resources, computed from a day's leaf log
 * and records, never beyond its latest checkpoint (what has been published). Reads files, and keeps the chunk roots of
 * recent days; thread-safe.
 */
final class Tlog {
    /**
     * The days whose chunk roots are kept (a day of n leaves takes n/8 bytes): a monitor or an export works through
     * days one after another, so a few recent ones are enough.
     */
    static final int CACHED_DAYS = 4;
    private final DayFiles files;
    private final SingleChronicleQueue queue;
    private final Checkpoints checkpoints;
    /**
     * Per day, the roots of its full 256-leaf chunks within its checkpoints, hashed from its leaf log once and
     * extended as its checkpoint grows. Without them every proof and tile hashed the day from its leaves: a request
     * cost O(day), and an export one such pass per record. Each entry is guarded by itself, the map by itself.
     */
    private final Map<LocalDate, MerkleFrontier.Chunks> chunks = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<LocalDate, MerkleFrontier.Chunks> eldest) {
            return size() > CACHED_DAYS;
        }
    };

    Tlog(DayFiles files, SingleChronicleQueue queue, Checkpoints checkpoints) {
        this.files = files;
        this.queue = queue;
        this.checkpoints = checkpoints;
    }

    /**
     * At open: signs a checkpoint for each kept day whose heads predate checkpoints (a store written before them), from
     * its latest head; nothing to check against, as nothing was published for it. Runs under the writer lock.
     */
    void checkpointUnpublishedDays() {
        for (LocalDate day : files.days()) {
            List<SignedTreeHead> heads = files.readHeads(day);
            if (heads.isEmpty() || checkpoints.latest(day).isPresent()) {
                continue;
            }
            SignedTreeHead head = heads.get(heads.size() - 1);
            try (DayTree tree = new DayTree(files.leavesFile(day), null)) {
                checkpoints.sign(day, head.treeSize(), head.rootHash(), tree);
            }
        }
    }

    List<byte[]> consistencyProof(LocalDate day, long from, long to) {
        long size = checkpointedSize(day);
        if (from < 0 || from > to || to > size) {
            throw new IllegalArgumentException("no consistency proof from " + from + " to " + to + " in day " + day
                    + ", checkpointed up to " + size);
        }
        return withTree(day, size, tree -> MerkleTree.consistencyProof(from, to, tree));
    }

    List<byte[]> inclusionPath(RecordRef ref, long treeSize) {
        long size = checkpointedSize(ref.day());
        if (treeSize > size || ref.sequence() >= treeSize) {
            throw new IllegalArgumentException("record " + ref + " is not in the tree of size " + treeSize
                    + " (checkpointed up to " + size + ")");
        }
        return withTree(ref.day(), size, tree -> MerkleTree.inclusionPath(ref.sequence(), treeSize, tree));
    }

    byte[] tile(LocalDate day, TilePath path) {
        long size = checkpointedSize(day);
        long end = path.endLeaf();
        if (end > size) {
            throw new IllegalArgumentException("tile " + path.path() + " of day " + day + " reaches leaf " + end
                    + ", past the checkpointed size " + size);
        }
        if (path.entries()) {
            return entries(day, path.startLeaf(), end);
        }
        if (path.level() == 0) {
            try (DayTree tree = new DayTree(files.leavesFile(day), null)) {
                ByteArrayOutputStream out = new ByteArrayOutputStream(path.width() * MerkleTree.HASH_LENGTH);
                tree.leaves(path.startLeaf(), end).forEach(out::writeBytes);
                return out.toByteArray();
            }
        }
        return withTree(day, size, tree -> tree.tile(path));
    }

    /** The tlog-proof of a record against its day's latest checkpoint, which covers it (the caller saw to that). */
    TlogProof proof(RecordRef ref) {
        SignedNote note = checkpoints.latest(ref.day()).orElseThrow(() -> new IllegalArgumentException(
                "no checkpoint of day " + ref.day()));
        long size = Checkpoint.parse(note.text()).size();
        byte[] record = records(ref.day(), ref.sequence(), ref.sequence() + 1).get(0);
        return new TlogProof(record, ref.sequence(), inclusionPath(ref, size), note);
    }

    private byte[] entries(LocalDate day, long from, long to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] r : records(day, from, to)) {
            // tlog-tiles: an entry bundle is big-endian uint16 length-prefixed entries (a record is at most 1 KiB).
            out.write(r.length >> 8);
            out.write(r.length);
            out.writeBytes(r);
        }
        return out.toByteArray();
    }

    private List<byte[]> records(LocalDate day, long from, long to) {
        java.util.ArrayList<byte[]> out = new java.util.ArrayList<>();
        try (ExcerptTailer tailer = queue.createTailer()) {
            if (!tailer.moveToIndex(Cycles.index(day, from))) {
                throw new IllegalArgumentException("no record " + new RecordRef(day, from) + " (pruned?)");
            }
            for (long seq = from; seq < to; seq++) {
                byte[] bytes = Cycles.readCurrent(tailer);
                if (bytes == null) {
                    throw new IllegalArgumentException("no record " + new RecordRef(day, seq));
                }
                out.add(bytes);
            }
        }
        return out;
    }

    /** The size of the day's latest checkpoint; refused for a day whose leaves are gone. */
    private long checkpointedSize(LocalDate day) {
        Optional<SignedNote> note = checkpoints.latest(day);
        if (note.isEmpty()) {
            throw new IllegalArgumentException("no checkpoint of day " + day);
        }
        if (!Files.exists(files.leavesFile(day))) {
            throw new IllegalArgumentException("day " + day + " is pruned: its records and leaves are gone");
        }
        return Checkpoint.parse(note.get().text()).size();
    }

    /** Runs {@code read} on the day's tree with the roots of its full chunks up to {@code size}, under their lock. */
    private <T> T withTree(LocalDate day, long size, Function<DayTree, T> read) {
        MerkleFrontier.Chunks roots;
        synchronized (chunks) {
            roots = chunks.computeIfAbsent(day, d -> new MerkleFrontier.Chunks());
        }
        synchronized (roots) {
            try (DayTree tree = new DayTree(files.leavesFile(day), roots)) {
                tree.extendChunks(size);
                return read.apply(tree);
            }
        }
    }
}
