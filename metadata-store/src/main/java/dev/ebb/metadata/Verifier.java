package dev.ebb.metadata;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.time.LocalDate;
import java.time.Period;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.function.Predicate;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

/**
 * Recomputes days' Merkle trees from the stored records and compares them with the signed heads (RFC 6962 §2.1
 * hashing), the heads' signatures, and the chain of heads between days. The day's leaf log, once its root is checked
 * against a signed head, tells which record differs.
 */
final class Verifier {
    /** {@link VerifyProgress#checked} every 65,536 records (a mask). */
    private static final long PROGRESS_EVERY = (1 << 16) - 1;
    private final DayFiles files;
    private final SingleChronicleQueue queue;
    private final PublicKey key;
    private final Period retention;

    Verifier(DayFiles files, SingleChronicleQueue queue, PublicKey key, Period retention) {
        this.files = files;
        this.queue = queue;
        this.key = key;
        this.retention = retention;
    }

    /**
     * Verifies the days {@code from..to}.
     *
     * @param liveDay a day another process may be appending to (so its leaf log may lag its records): records of
     *                that day after both its leaf log and its latest signed head are not yet covered and are not
     *                checked; null when no writer can be running (or it flushed and signed first)
     */
    VerifyReport verify(LocalDate from, LocalDate to, LocalDate today, LocalDate liveDay) {
        return verify(from, to, today, liveDay, VerifyProgress.NONE);
    }

    /** {@link #verify(LocalDate, LocalDate, LocalDate, LocalDate)}, telling {@code progress} how far it got. */
    VerifyReport verify(LocalDate from, LocalDate to, LocalDate today, LocalDate liveDay, VerifyProgress progress) {
        NavigableSet<LocalDate> all = files.days();
        long expected = 0;
        for (LocalDate day : all.subSet(from, true, to, true)) {
            expected += files.leafCount(day);
        }
        progress.started(expected);
        // Every head of the days verified; the days outside only as links of the chain (a day's check of a year's
        // store verified all 525,600 heads' signatures: minutes).
        Predicate<LocalDate> inRange = d -> !d.isBefore(from) && !d.isAfter(to);
        Optional<VerifyReport.Problem> chain = checkChain(all, today, inRange).filter(p -> inRange.test(p.day()));
        int days = 0;
        long records = 0;
        Optional<VerifyReport.Problem> first = Optional.empty();
        try (ExcerptTailer tailer = queue.createTailer()) {
            for (LocalDate day : all.subSet(from, true, to, true)) {
                days++;
                // Heads, then leaves, then records: the writer adds them in the opposite order, so what is read
                // here is consistent even while it appends.
                List<SignedTreeHead> heads = files.readHeads(day);
                long leaves = files.leafCount(day);
                long count = Cycles.recordsIn(files, tailer, day);
                if (day.equals(liveDay)) {
                    long signed = heads.isEmpty() ? 0 : heads.get(heads.size() - 1).treeSize();
                    count = Math.min(count, Math.max(leaves, signed));
                }
                first = verifyDay(day, count, heads, tailer, records, progress);
                records += count;
                progress.checked(records);
                if (first.isPresent()) {
                    break;
                }
            }
        }
        if (chain.isPresent() && (first.isEmpty() || !chain.get().day().isAfter(first.get().day()))) {
            first = chain;
        }
        return new VerifyReport(from, to, days, records, first);
    }

    /**
     * {@link #checkChain(NavigableSet, LocalDate, Predicate)} on each day's first and latest heads only, which are all the chain
     * links are made of: what opening a store checks, in two reads and one signature a day instead of a day's 1,440
     * heads (a minute's each) read and verified: at 0.85 ms of CPU per Ed25519 verification on the build machine, a
     * year's 525,600 heads kept a gateway from starting for over 7 minutes. The heads between are checked by
     * {@link #verify}, against the records they cover.
     */
    Optional<VerifyReport.Problem> checkChainLinks(NavigableSet<LocalDate> days, LocalDate today) {
        return checkChain(days, today, d -> false);
    }

    /**
     * Checks the heads' signatures and that each day's heads commit to the latest head of the previous day with
     * records; the first kept day may point to a day that retention has dropped, but not to one still within it.
     *
     * @param everyHead the days whose every head is checked; of the others the first and latest only
     */
    private Optional<VerifyReport.Problem> checkChain(NavigableSet<LocalDate> days, LocalDate today,
                                                      Predicate<LocalDate> everyHead) {
        SignedTreeHead previousLatest = null;
        for (LocalDate day : days) {
            boolean all = everyHead.test(day);
            List<SignedTreeHead> heads = all ? files.readHeads(day) : files.readEndHeads(day);
            if (heads.isEmpty()) {
                continue;
            }
            long lastSize = 0;
            for (SignedTreeHead h : heads) {
                // The latest head's signature covers the link fields every head of the day must repeat (checked
                // below), so the chain alone needs that one signature a day.
                if ((all || h == heads.get(heads.size() - 1)) && !h.verifySignature(key)) {
                    return problem(VerifyReport.Kind.BAD_SIGNATURE, day, "signed head of size " + h.treeSize()
                            + " has an invalid signature");
                }
                if (!h.day().equals(day) || h.treeSize() < lastSize
                        || !h.previous().equals(heads.get(0).previous())
                        || !Arrays.equals(h.previousHeadHash(), heads.get(0).previousHeadHash())) {
                    return problem(VerifyReport.Kind.BROKEN_CHAIN, day, "heads of the day are inconsistent");
                }
                lastSize = h.treeSize();
            }
            SignedTreeHead firstHead = heads.get(0);
            if (previousLatest == null) {
                if (firstHead.previousDay() != null && !firstHead.previousDay().plus(retention).isBefore(today)) {
                    return problem(VerifyReport.Kind.BROKEN_CHAIN, day, "previous day " + firstHead.previousDay()
                            + " is missing but not yet past retention");
                }
            } else if (!previousLatest.day().equals(firstHead.previousDay())
                    || !MessageDigest.isEqual(previousLatest.hash(), firstHead.previousHeadHash())) {
                return problem(VerifyReport.Kind.BROKEN_CHAIN, day, "does not commit to the latest head of "
                        + previousLatest.day() + " (commits to " + firstHead.previousDay() + ")");
            }
            previousLatest = heads.get(heads.size() - 1);
        }
        return Optional.empty();
    }

    /** @param before records of the range checked before this day, for {@code progress} */
    private Optional<VerifyReport.Problem> verifyDay(LocalDate day, long count, List<SignedTreeHead> heads,
                                                     ExcerptTailer tailer, long before, VerifyProgress progress) {
        if (heads.isEmpty()) {
            return count == 0 ? Optional.empty()
                    : problem(VerifyReport.Kind.UNSIGNED_DAY, day, count + " records but no signed head");
        }
        SignedTreeHead head = heads.get(heads.size() - 1);
        byte[] stored = files.readLeaves(day);
        int storedCount = stored.length / MerkleTree.HASH_LENGTH;
        if (!leafLogMatches(stored, storedCount, heads)) {
            return problem(VerifyReport.Kind.LEAVES_DAMAGED, day, "the leaf log does not match the signed heads; "
                    + "records cannot be checked individually");
        }
        Map<ByteBuffer, Integer> position = null;
        if (count > 0 && !tailer.moveToIndex(Cycles.index(day, 0))) {
            return problem(VerifyReport.Kind.MISSING, day, 0, "the day's records cannot be read");
        }
        for (long seq = 0; seq < count; seq++) {
            if ((seq & PROGRESS_EVERY) == PROGRESS_EVERY) {
                progress.checked(before + seq);
            }
            byte[] bytes = Cycles.readCurrent(tailer);
            if (bytes == null) {
                return problem(VerifyReport.Kind.MISSING, day, seq, "record cannot be read");
            }
            byte[] leaf = MerkleTree.leafHash(bytes);
            boolean known = seq < storedCount;
            if (known && MessageDigest.isEqual(leaf, Arrays.copyOfRange(stored, (int) seq * 32, (int) seq * 32 + 32))) {
                continue;
            }
            if (seq == count - 1 && RecordCodec.isTorn(bytes)) {
                return problem(VerifyReport.Kind.TORN_LAST_RECORD, day, seq, "last record is cut short (a crash "
                        + "during its write); it was never acknowledged");
            }
            if (!known) {
                return problem(VerifyReport.Kind.UNEXPECTED_RECORD, day, seq, "record not in the leaf log");
            }
            if (position == null) {
                position = positions(stored, storedCount);
            }
            Integer at = position.get(ByteBuffer.wrap(leaf));
            if (at != null) {
                return problem(VerifyReport.Kind.REORDERED, day, seq, "record signed at position " + at
                        + " found at position " + seq);
            }
            return problem(VerifyReport.Kind.CHANGED, day, seq, seq < head.treeSize()
                    ? "record differs from the signed one" : "record differs from the leaf log (after the last head)");
        }
        if (count < head.treeSize()) {
            return problem(VerifyReport.Kind.MISSING, day, count, (head.treeSize() - count)
                    + " signed record(s) missing from position " + count);
        }
        return Optional.empty();
    }

    private static boolean leafLogMatches(byte[] stored, int storedCount, List<SignedTreeHead> heads) {
        MerkleFrontier f = new MerkleFrontier();
        byte[] one = new byte[MerkleTree.HASH_LENGTH];
        int h = 0;
        for (int i = 0; i <= storedCount && h < heads.size(); i++) {
            while (h < heads.size() && heads.get(h).treeSize() == f.size()) {
                if (!MessageDigest.isEqual(heads.get(h).rootHash(), f.root())) {
                    return false;
                }
                h++;
            }
            if (i < storedCount) {
                System.arraycopy(stored, i * MerkleTree.HASH_LENGTH, one, 0, one.length);
                f.append(one);
            }
        }
        return h == heads.size();
    }

    private static Map<ByteBuffer, Integer> positions(byte[] stored, int storedCount) {
        Map<ByteBuffer, Integer> m = new HashMap<>();
        for (int i = 0; i < storedCount; i++) {
            m.put(ByteBuffer.wrap(stored, i * MerkleTree.HASH_LENGTH, MerkleTree.HASH_LENGTH).slice(), i);
        }
        return m;
    }

    private static Optional<VerifyReport.Problem> problem(VerifyReport.Kind kind, LocalDate day, String detail) {
        return problem(kind, day, -1, detail);
    }

    private static Optional<VerifyReport.Problem> problem(VerifyReport.Kind kind, LocalDate day, long seq,
                                                          String detail) {
        return Optional.of(new VerifyReport.Problem(kind, day, seq, detail));
    }
}
