package dev.ebb.metadata;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.TreeSet;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the derived files back in line with the queue, the source of truth: after a crash, a full disk or a
 * {@code kill -9}, the leaf log, the index and the signed heads of a day may lag its records (they are written after
 * the record). Recomputes what lags from the records, checks the signed heads against them, and builds the writer's
 * {@link DayState}. Runs with the writer lock held, at open, on repair and when the writer starts a new day.
 */
final class Recovery {
    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);
    private final DayFiles files;
    private final KeyFiles keyFiles;
    private final SingleChronicleQueue queue;
    private final DayIndexes indexes;
    private final Verifier verifier;
    private final HeadSigner signer;
    private final Clock clock;
    private final ByteBuffer encoded = ByteBuffer.allocate(RecordCodec.MAX_ENCODED);
    private final long[] keys = new long[RecordCodec.MAX_KEYS];

    Recovery(DayFiles files, KeyFiles keyFiles, SingleChronicleQueue queue, DayIndexes indexes, Verifier verifier,
             HeadSigner signer, Clock clock) {
        this.files = files;
        this.keyFiles = keyFiles;
        this.queue = queue;
        this.indexes = indexes;
        this.verifier = verifier;
        this.signer = signer;
        this.clock = clock;
    }

    /**
     * At open: checks the signed chain, repairs every kept day, finishes (signs, seals) earlier days a crash left
     * open, and returns today's state to resume, or null if today has no files yet. A day whose heads, leaves and
     * index all cover its records is only registered, not read.
     *
     * @throws MetadataStoreException if the chain is broken or a day's records do not match its signed heads
     */
    DayState recoverKeptDays() {
        TreeSet<LocalDate> days = files.days();
        LocalDate today = Cycles.dayOf(clock.millis());
        verifier.checkChainLinks(days, today).ifPresent(p -> {
            throw new MetadataStoreException("data directory " + files.root + " has a broken signed chain: "
                    + p.kind() + " on " + p.day() + ": " + p.detail());
        });
        DayState current = null;
        try (ExcerptTailer tailer = queue.createTailer()) {
            for (LocalDate day : days) {
                long count = Cycles.recordsIn(files, tailer, day);
                SignedTreeHead latest = files.readLatestHead(day);
                // Registered read-only at once (its segments opened once, not once to check and again to use);
                // a day that needs repair is opened for writing below, in its place.
                boolean complete = latest != null && latest.treeSize() == count
                        && files.leafCount(day) == count && !day.equals(today)
                        && indexes.openReadOnly(day).indexedUpTo() == count;
                if (complete) {
                    continue;
                }
                DayState state = load(day, count);
                if (day.equals(today)) {
                    current = state;
                } else {
                    state.finish(clock.millis(), signer);
                }
            }
        }
        return current;
    }

    /** The records the queue holds for {@code day}. */
    long recordsIn(LocalDate day) {
        try (ExcerptTailer tailer = queue.createTailer()) {
            return Cycles.recordsIn(files, tailer, day);
        }
    }

    /**
     * Loads a day for writing: its key, its Merkle frontier from the leaf log (recomputing leaves a crash lost), its
     * index (rebuilding entries after the last segment), and checks that the signed heads match the records.
     *
     * @param count the records of the day in the queue (0 for a new day)
     */
    DayState load(LocalDate day, long count) {
        DayCrypto crypto = new DayCrypto(keyFiles.daySecretOrCreate(day), DayCrypto.WRITER_CACHE);
        byte[] stored = files.readLeaves(day);
        long storedLeaves = stored.length / MerkleTree.HASH_LENGTH;
        List<SignedTreeHead> heads = files.readHeads(day);
        long signed = heads.isEmpty() ? 0 : heads.get(heads.size() - 1).treeSize();
        if (storedLeaves > count) {
            if (signed > count) {
                throw new MetadataStoreException("day " + day + ": the leaf log has " + storedLeaves
                        + " entries and a signed head covers " + signed + " records, but the queue holds only " + count
                        + " (records missing from the queue)");
            }
            // After a power cut the kernel may have written the leaf log back ahead of queue pages that never reached
            // the disk: records no head covers and no customer was told of in fsync mode. Their leaves go with them.
            LOG.warn("metadata day {}: the leaf log is {} entries ahead of the queue ({} records) and no signed head "
                    + "covers them (writes lost in a power cut); dropping those leaves", day, storedLeaves - count, count);
            storedLeaves = count;
        }
        MerkleFrontier frontier = new MerkleFrontier();
        LeafWriter leaves = new LeafWriter(files.leavesFile(day), storedLeaves);
        DayIndex index = indexes.openWritable(day);
        long indexedUpTo = index.indexedUpTo();
        // Read are the records the leaf log or the index lacks, and those no signed head covers: a fault on a mapped
        // page of a full disk is reported after the write returned, so the writer may have logged the leaf of the
        // record it meant to write while the queue holds it cut short. The others' leaves come from the leaf log.
        long readFrom = Math.min(Math.min(storedLeaves, indexedUpTo), signed);
        int headIndex = 0;
        byte[] one = new byte[MerkleTree.HASH_LENGTH];
        try (ExcerptTailer tailer = queue.createTailer()) {
            boolean positioned = count > readFrom && tailer.moveToIndex(Cycles.index(day, readFrom));
            for (long seq = 0; seq < count; seq++) {
                headIndex = checkHeads(day, heads, headIndex, frontier);
                byte[] bytes = null;
                if (seq >= readFrom) {
                    bytes = positioned ? Cycles.readCurrent(tailer) : null;
                    if (bytes == null) {
                        throw new MetadataStoreException("day " + day + ": record " + seq + " unreadable");
                    }
                }
                // A record cut short was being written when the process died or the disk filled (kill -9 leaves
                // one, as the last; a full disk may leave one the writer took as written, its leaf logged).
                // One a head covers keeps its logged leaf: the head check below and verify judge that leaf.
                boolean torn = bytes != null && RecordCodec.isTorn(bytes);
                if (seq < storedLeaves && (!torn || seq < signed)) {
                    System.arraycopy(stored, (int) (seq * MerkleTree.HASH_LENGTH), one, 0, one.length);
                    frontier.append(one);
                } else {
                    frontier.appendData(bytes, 0, bytes.length, one);
                    if (seq < storedLeaves) {
                        leaves.replace(seq, one);
                    } else {
                        leaves.add(one);
                    }
                }
                // It stays in the tree as the bytes it is, so the day verifies and later records keep their
                // positions, but it is not indexed: no query finds it, and nothing reads it as a record.
                if (torn) {
                    LOG.warn("metadata day {}: record {} was cut short by a crash or a failed write; kept as an "
                            + "unindexed leaf", day, seq);
                } else if (seq >= indexedUpTo) {
                    // Re-encoding under the day key yields the record's index keys, exactly as the writer made them.
                    TrafficRecord r = RecordCodec.decode(ByteBuffer.wrap(bytes), crypto);
                    index.add(keys, RecordCodec.encode(r, crypto, encoded, keys), seq);
                }
            }
            checkHeads(day, heads, headIndex, frontier);
        }
        leaves.flush();
        SignedTreeHead lastHead = heads.isEmpty() ? null : heads.get(heads.size() - 1);
        if (lastHead != null && lastHead.treeSize() > count) {
            throw new MetadataStoreException("day " + day + ": signed head covers " + lastHead.treeSize()
                    + " records but the queue holds only " + count + " (records missing)");
        }
        return new DayState(day, crypto, frontier, leaves, index, count, lastHead, clock.millis());
    }

    /** Checks every head whose size the frontier has just reached; returns the index of the next head to check. */
    private static int checkHeads(LocalDate day, List<SignedTreeHead> heads, int from, MerkleFrontier frontier) {
        int i = from;
        while (i < heads.size() && heads.get(i).treeSize() == frontier.size()) {
            if (!MessageDigest.isEqual(heads.get(i).rootHash(), frontier.root())) {
                throw new MetadataStoreException("day " + day + ": the records do not match the signed tree head "
                        + "of size " + frontier.size() + " (changed or reordered records; run verify for details)");
            }
            i++;
        }
        return i;
    }
}
