package dev.ebb.metadata;

import java.time.LocalDate;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer's state of the day it appends to: the day's key, its Merkle frontier, leaf log and index, the number of
 * records in its cycle and the latest signed head. Built by {@link Recovery} from the files, changed only through its
 * methods, so the frontier, leaf log, index and count move together. Not thread-safe: guarded by the writer lock.
 */
final class DayState {
    private static final Logger LOG = LoggerFactory.getLogger(DayState.class);
    private final LocalDate day;
    private final long startMillis;
    private final DayCrypto crypto;
    private final MerkleFrontier frontier;
    private final LeafWriter leaves;
    private final DayIndex index;
    private long count;
    private SignedTreeHead lastHead;
    private long lastHeadMillis;

    /**
     * @param count          records of the day already in the queue, all in {@code frontier} and {@code leaves}
     * @param lastHead       the day's latest signed head, null if none
     * @param lastHeadMillis when the head interval starts counting
     */
    DayState(LocalDate day, DayCrypto crypto, MerkleFrontier frontier, LeafWriter leaves, DayIndex index, long count,
             SignedTreeHead lastHead, long lastHeadMillis) {
        this.day = day;
        this.startMillis = Cycles.startMillis(day);
        this.crypto = crypto;
        this.frontier = frontier;
        this.leaves = leaves;
        this.index = index;
        this.count = count;
        this.lastHead = lastHead;
        this.lastHeadMillis = lastHeadMillis;
    }

    LocalDate day() {
        return day;
    }

    long startMillis() {
        return startMillis;
    }

    long count() {
        return count;
    }

    DayCrypto crypto() {
        return crypto;
    }

    /** True if {@code epochMillis} falls in this day: a range check, so an append builds no {@link LocalDate}. */
    boolean contains(long epochMillis) {
        return epochMillis >= startMillis && epochMillis - startMillis < Cycles.DAY_MILLIS;
    }

    /** True if the queue put a record at {@code queueIndex} where this day expects its next one. */
    boolean isNext(long queueIndex) {
        return Cycles.ROLL_CYCLE.toCycle(queueIndex) == day.toEpochDay()
                && Cycles.ROLL_CYCLE.toSequenceNumber(queueIndex) == count;
    }

    /**
     * Adds the record just written to the queue at the next sequence: its leaf to the tree and the leaf log, its keys
     * to the index.
     *
     * @param keyCount how many of {@code keys} are the record's
     * @param leaf     scratch for the leaf hash
     */
    void add(byte[] record, int length, long[] keys, int keyCount, byte[] leaf) {
        frontier.appendData(record, 0, length, leaf);
        leaves.add(leaf);
        index.add(keys, keyCount, count);
        count++;
    }

    boolean headDue(long now, long intervalMillis) {
        return now - lastHeadMillis >= intervalMillis;
    }

    /** True if records were added since the latest signed head. */
    boolean hasUnsignedRecords() {
        return count > 0 && (lastHead == null || lastHead.treeSize() < count);
    }

    /** True if the latest signed head covers record {@code sequence}. */
    boolean signedThrough(long sequence) {
        return lastHead != null && lastHead.treeSize() > sequence;
    }

    /** The latest signed head, empty while the day holds no record. */
    Optional<SignedTreeHead> latestHead() {
        return count == 0 ? Optional.empty() : Optional.ofNullable(lastHead);
    }

    /** Signs a head over every record so far; the leaves go to disk first, so a proof can be built against it. */
    void signHead(long now, HeadSigner signer) {
        leaves.flush();
        lastHead = signer.sign(day, count, frontier.root(), now, lastHead, frontier.chunks());
        lastHeadMillis = now;
    }

    void flushLeaves() {
        leaves.flush();
    }

    /** Signs what is unsigned, hands the rest of the index to the index thread and closes the leaf log. */
    void finish(long now, HeadSigner signer) {
        if (hasUnsignedRecords()) {
            signHead(now, signer);
        }
        index.seal(count);
        leaves.close();
    }

    /**
     * Lets go of a day whose state is no longer trusted (a write failed): what it fails to flush is recomputed from
     * the queue by the next {@link Recovery#load}, so failures here are only logged.
     */
    void discard() {
        try {
            // A segment still being written must land before a new index of the day numbers its own segments.
            index.awaitWritten();
        } catch (MetadataStoreException e) {
            LOG.debug("the failed writer's last index segment", e);
        }
        try {
            leaves.close();
        } catch (RuntimeException | InternalError e) {
            LOG.debug("closing the failed writer's leaf log", e);
        }
    }
}
