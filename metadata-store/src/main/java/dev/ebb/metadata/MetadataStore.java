package dev.ebb.metadata;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantLock;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.impl.single.TableStoreWriteLock;
import net.openhft.chronicle.threads.Pauser;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only, tamper-evident store of traffic data (DESIGN invariant 3): one Chronicle Queue cycle per UTC day,
 * one RFC 6962 Merkle tree per day with Ed25519-signed tree heads chained day to day, identifiers sealed under a
 * per-day key and indexed through a keyed blind index, whole days dropped after the retention period together with
 * their key.
 *
 * <p>Thread-safety: every method may be called from any thread. Appends go through one writer lock, so the queue
 * order, the Merkle tree and the index agree; a record is in the memory-mapped queue file when {@link #append} returns
 * and so survives {@code kill -9} of the process. Queries and verification run concurrently with appends. A
 * daemon thread, {@code ebb-metadata-index}, sorts and writes full index buffers so that appends never wait for it;
 * {@link #close()} waits for it.
 *
 * <p>Lifecycle: {@link #open} (prunes expired days, repairs derived files after a crash, checks the signed chain),
 * then appends/queries, {@link #pruneExpired()} and {@link #signTreeHead()} on a schedule, {@link #close()} (signs the
 * current day's head so every record is covered).
 */
public final class MetadataStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetadataStore.class);
    private static final RollCycle ROLL_CYCLE = RollCycles.FAST_DAILY;
    private static final long DAY_MILLIS = 86_400_000L;
    private static final long NOT_PINNED = Long.MIN_VALUE;
    /** An event more than a day away from the store clock is refused, so a query need only look one day around its
     * window to find every record whose event time falls in it. */
    private static final long MAX_EVENT_SKEW_MILLIS = DAY_MILLIS;
    /** Entries (four per record) of an index buffer: 16 MiB per buffer, a segment per 262,144 records. */
    static final int INDEX_BUFFER_ENTRIES = 1 << 20;
    private static final int TOKEN_VERSION = 1;

    private final DayFiles files;
    private final KeyFiles keyFiles;
    private final MetadataStoreConfig config;
    private final Clock clock;
    private final KeyPair signingKey;
    private final SingleChronicleQueue queue;
    /** Replaced by {@link #repair()}: an appender that failed inside a write is not trusted again. */
    private ExcerptAppender appender;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<LocalDate, DayIndex> indexes = new ConcurrentHashMap<>();
    private final int indexBufferEntries;
    /** Sorts and writes full index buffers off the append path (see {@link DayIndex}); owns the segment writer. */
    private final ExecutorService indexThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "ebb-metadata-index");
        t.setDaemon(true);
        return t;
    });
    private final SegmentWriter segmentWriter = new SegmentWriter();
    private final ByteBuffer encoded = ByteBuffer.allocate(RecordCodec.MAX_ENCODED);
    private final long[] keys = new long[RecordCodec.KEY_COUNT];
    private final byte[] leaf = new byte[MerkleTree.HASH_LENGTH];
    private volatile long pinnedTime = NOT_PINNED;
    /** Why the writer stopped (a write that failed, typically a full disk), or null while it works. */
    private volatile Throwable failure;
    private DayState current;
    private boolean closed;

    private MetadataStore(Path dir, MetadataStoreConfig config, Clock clock, int indexBufferEntries) {
        this.files = new DayFiles(dir);
        this.config = config;
        this.clock = clock;
        this.indexBufferEntries = indexBufferEntries;
        files.create();
        files.checkFormat();
        this.keyFiles = new KeyFiles(files.keys);
        keyFiles.requireOwnerOnly();
        this.signingKey = keyFiles.signingKey(config.signingKeyFile() != null ? config.signingKeyFile()
                : files.keys.resolve(KeyFiles.SIGNING_KEY));
        // Rolls are UTC and driven by the injected clock; while a record is written the time is pinned to the value
        // the writer used to choose the day, so Chronicle and the store always agree on the cycle.
        this.queue = SingleChronicleQueueBuilder.binary(files.queue).rollCycle(ROLL_CYCLE)
                .timeProvider(() -> {
                    long pinned = pinnedTime;
                    return pinned != NOT_PINNED ? pinned : clock.millis();
                }).build();
        this.appender = queue.createAppender();
        appender.singleThreadedCheckDisabled(true);
    }

    /**
     * Opens (creating if needed) the store in {@code dir}: drops expired days, recomputes derived files a crash may
     * have left behind, signs the final head of any earlier day that lacks one, and checks every kept day's signed
     * heads and chain.
     *
     * @throws MetadataStoreException if the directory was written by an incompatible version, or a signature or the
     *                                chain between days is broken (the message says what was found)
     */
    public static MetadataStore open(Path dir, MetadataStoreConfig config, Clock clock) {
        return open(dir, config, clock, INDEX_BUFFER_ENTRIES);
    }

    /** {@link #open(Path, MetadataStoreConfig, Clock)} with another index buffer size (tests fill it quickly). */
    static MetadataStore open(Path dir, MetadataStoreConfig config, Clock clock, int indexBufferEntries) {
        Fields.requireNonNull("dir", dir);
        Fields.requireNonNull("config", config);
        Fields.requireNonNull("clock", clock);
        Fields.requireRange("indexBufferEntries", indexBufferEntries, RecordCodec.KEY_COUNT, Integer.MAX_VALUE);
        MetadataStore store = new MetadataStore(dir, config, clock, indexBufferEntries);
        try {
            store.lock.lock();
            try {
                store.pruneExpiredLocked();
                store.recover();
            } finally {
                store.lock.unlock();
            }
            return store;
        } catch (RuntimeException e) {
            store.closeQuietly();
            throw e;
        }
    }

    /**
     * Appends one record. Validates it against the store clock first (the event time must be within 24 h of it),
     * then seals its identifiers, writes it to the current day's cycle and adds it to the day's Merkle tree and
     * index. Durable against process death when it returns.
     *
     * <p>A write that fails (a full disk: Chronicle maps its files, so a page the file system cannot back surfaces as
     * an {@link InternalError}, OpenHFT/Chronicle-Queue#1282) leaves nothing of the record in the queue and stops the
     * writer: every later append is refused with a {@link MetadataStoreException} until {@link #repair()} succeeds,
     * as the writer's in-memory tree and index may then disagree with the files. A failure while updating the derived
     * files (leaf log, index, tree heads) after the record is in the queue stops the writer the same way, but the
     * append returns normally: the record is durable, and repair or the next open recomputes what it derives.
     *
     * @throws IllegalArgumentException if the record is null or its event time is more than 24 h from the clock;
     *                                  nothing is written then
     * @throws MetadataStoreException   if the record could not be written, or the writer is stopped ({@link
     *                                  #writable()} false); nothing is written then
     * @throws IllegalStateException    if the store is closed
     */
    public void append(TrafficRecord record) {
        Fields.requireNonNull("record", record);
        lock.lock();
        try {
            ensureWritable();
            long now = writerTime();
            long skew = record.eventTime().toEpochMilli() - now;
            if (skew > MAX_EVENT_SKEW_MILLIS || skew < -MAX_EVENT_SKEW_MILLIS) {
                throw new IllegalArgumentException("eventTime " + record.eventTime() + " is more than 24 h from the "
                        + "store clock " + Instant.ofEpochMilli(now));
            }
            DayState day;
            try {
                day = dayFor(now);
            } catch (RuntimeException | InternalError e) {
                throw stop("starting the day of " + Instant.ofEpochMilli(now), e);
            }
            RecordCodec.encode(record, day.crypto, encoded, keys);
            int length = encoded.remaining();
            byte[] bytes = encoded.array();
            write(bytes, length, now);
            long index = appender.lastIndexAppended();
            if (ROLL_CYCLE.toCycle(index) != day.day.toEpochDay() || ROLL_CYCLE.toSequenceNumber(index) != day.count) {
                throw stop("checking the queue", new MetadataStoreException("queue out of step with the store: wrote "
                        + "index " + Long.toHexString(index) + " while expecting " + day.day + "#" + day.count
                        + " (another process writing to " + files.queue + "?)"));
            }
            // The record is durable from here on; what follows is derived from it.
            try {
                day.frontier.appendData(bytes, 0, length, leaf);
                day.leaves.add(leaf);
                day.index.add(keys, day.count);
                day.count++;
                if (now - day.lastHeadMillis >= config.treeHeadInterval().toMillis()) {
                    signHeadLocked(day, now);
                }
            } catch (RuntimeException | InternalError e) {
                stop("updating the leaf log, index or tree head after record " + day.day + "#" + day.count, e);
            }
        } finally {
            lock.unlock();
        }
    }

    /** True while appends are taken: the store is open and no write has failed since it was opened or repaired. */
    public boolean writable() {
        return !closed && failure == null;
    }

    /**
     * Rebuilds the writer from the files, as {@link #open} does after a crash, without a restart: drops the writer's
     * in-memory state of the day it was writing, releases the queue's write lock if a failed write of this process
     * left it held, takes a new appender, and recomputes that day's tree, leaf log and index from the records in the
     * queue (records a failed write left cut short are kept as unindexed leaves, see {@link #open}). Call it once the
     * cause of a failure is gone (disk space is back). It also helps when the store still says it is writable: a
     * full disk may surface as an {@link InternalError} only after the write that caused it returned (the JVM
     * delivers it asynchronously), leaving a record the writer believes whole. It costs a read of the day's records
     * not yet in the leaf log or index.
     *
     * @return true if the store is writable now; false if rebuilding failed too (the cause is logged; call again later)
     * @throws IllegalStateException if the store is closed
     */
    public boolean repair() {
        lock.lock();
        try {
            ensureOpen();
            Throwable cause = failure;
            try {
                LocalDate day = current != null ? current.day : dayOf(clock.millis());
                discardWriter();
                releaseAbandonedWriteLock();
                appender = queue.createAppender();
                appender.singleThreadedCheckDisabled(true);
                long count;
                try (ExcerptTailer tailer = queue.createTailer()) {
                    count = Files.exists(files.cycleFile(day)) ? tailer.excerptsInCycle((int) day.toEpochDay()) : 0;
                }
                DayState state = loadDay(day, count);
                if (day.isBefore(dayOf(clock.millis()))) {
                    finishDay(state, clock.millis(), true);
                } else {
                    current = state;
                }
                failure = null;
                LOG.info("metadata store writer rebuilt: day {} from its {} records{}", day, count,
                        cause == null ? "" : " after a failed write (" + cause + ")");
                return true;
            } catch (RuntimeException | InternalError e) {
                failure = e;
                LOG.warn("metadata store not writable, rebuilding the writer failed: {}", e.toString());
                return false;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Signs and stores a tree head for the current day now, if records were added since the last one. While the
     * writer is stopped ({@link #writable()} false) nothing is signed; a failure to sign stops it (see {@link
     * #append}) rather than throwing, so a schedule calling this keeps running.
     *
     * @return the current day's latest head, empty if no record was appended today
     */
    public Optional<SignedTreeHead> signTreeHead() {
        lock.lock();
        try {
            ensureOpen();
            if (failure == null) {
                try {
                    long now = writerTime();
                    if (current != null && current.day.isBefore(dayOf(now))) {
                        roll(dayOf(now));
                    }
                    if (current != null && current.count > 0
                            && (current.lastHead == null || current.lastHead.treeSize() < current.count)) {
                        signHeadLocked(current, now);
                    }
                } catch (RuntimeException | InternalError e) {
                    stop("signing a tree head", e);
                }
            }
            return current == null || current.count == 0 ? Optional.empty() : Optional.ofNullable(current.lastHead);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Drops every day cycle older than the retention period, with its index files, signed heads and day key (so the
     * sealed numbers of that day are unrecoverable). A day D is dropped once {@code D + retention} is before today
     * (UTC, store clock).
     *
     * @return the days dropped, ascending
     */
    public List<LocalDate> pruneExpired() {
        lock.lock();
        try {
            ensureOpen();
            return pruneExpiredLocked();
        } finally {
            lock.unlock();
        }
    }

    /** Age of the oldest record kept (by its event time), for metrics; empty when the store holds no record. */
    public Optional<Duration> oldestRecordAge() {
        for (LocalDate day : files.days()) {
            if (!Files.exists(files.cycleFile(day))) {
                continue;
            }
            try (ExcerptTailer tailer = queue.createTailer()) {
                if (tailer.moveToIndex(ROLL_CYCLE.toIndex((int) day.toEpochDay(), 0))) {
                    byte[] first = readCurrent(tailer);
                    if (first != null && first.length >= 12) {
                        long eventTime = ByteBuffer.wrap(first).getLong(4);
                        return Optional.of(Duration.ofMillis(Math.max(0, clock.millis() - eventTime)));
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** The public key that verifies this store's tree heads. */
    public PublicKey publicKey() {
        return signingKey.getPublic();
    }

    /**
     * Runs a query: records matching the criterion whose event time is in the window, in time order, at most the
     * query's limit, with a continuation token when more remain. Uses the per-day index, never a scan of records.
     *
     * @throws IllegalArgumentException if the continuation token is malformed or belongs to another query
     */
    public QueryPage query(TrafficQuery query) {
        Fields.requireNonNull("query", query);
        ensureOpen();
        Cursor after = query.continuation() == null ? null : Cursor.parse(query.continuation(), query.fingerprint());
        LocalDate firstDay = dayOf(query.from().toEpochMilli()).minusDays(1);
        LocalDate lastDay = dayOf(query.to().toEpochMilli() - 1).plusDays(1);
        if (after != null && after.day.isAfter(firstDay)) {
            firstDay = after.day;
        }
        List<StoredRecord> out = new ArrayList<>();
        try (ExcerptTailer tailer = queue.createTailer()) {
            for (LocalDate day : files.days().subSet(firstDay, true, lastDay, true)) {
                List<StoredRecord> hits = queryDay(day, query, after, tailer);
                for (StoredRecord r : hits) {
                    if (out.size() == query.limit()) {
                        return new QueryPage(out, Optional.of(Cursor.of(out.get(out.size() - 1), query.fingerprint())));
                    }
                    out.add(r);
                }
            }
        }
        return new QueryPage(out, Optional.empty());
    }

    /**
     * Recomputes the Merkle trees of the days {@code from..to} (inclusive) from the stored records and checks them
     * against the signed heads, the heads' signatures and the chain between days. The current day's head is signed
     * first, so every record appended so far is covered. Days before the first kept day are not required: the
     * verification anchors on the first kept day's signed head.
     *
     * @throws IllegalArgumentException if {@code to} is before {@code from}
     */
    public VerifyReport verify(LocalDate from, LocalDate to) {
        Fields.requireNonNull("from", from);
        Fields.requireNonNull("to", to);
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("verify range is inverted: " + from + " .. " + to);
        }
        signTreeHead();
        LocalDate live = null;
        lock.lock();
        try {
            if (current != null && failure == null) {
                try {
                    current.leaves.flush();
                } catch (RuntimeException e) {
                    stop("flushing the leaf log for verify", e);
                }
            }
            if (failure != null) {
                // A stopped writer's leaves may not be on disk: check its day as far as leaves and heads cover it.
                live = current != null ? current.day : dayOf(clock.millis());
            }
        } finally {
            lock.unlock();
        }
        return verifier().verify(from, to, dayOf(clock.millis()), live);
    }

    /**
     * An inclusion proof for a record against the latest signed head of its day (signing the current day's head
     * first if it does not cover the record yet).
     *
     * @throws IllegalArgumentException if there is no such record
     */
    public InclusionProof inclusionProof(RecordRef ref) {
        return inclusionProofs(List.of(ref)).get(0);
    }

    /**
     * Inclusion proofs for many records, in the order given: each day's leaves are read and its subtrees hashed once
     * for all its records (an export page), not once per record.
     *
     * @throws IllegalArgumentException if one of them is no such record
     */
    public List<InclusionProof> inclusionProofs(List<RecordRef> refs) {
        Map<LocalDate, List<RecordRef>> byDay = new TreeMap<>();
        for (RecordRef ref : refs) {
            Fields.requireNonNull("ref", ref);
            byDay.computeIfAbsent(ref.day(), d -> new ArrayList<>()).add(ref);
        }
        Map<RecordRef, InclusionProof> proofs = new HashMap<>();
        for (Map.Entry<LocalDate, List<RecordRef>> day : byDay.entrySet()) {
            long highest = day.getValue().stream().mapToLong(RecordRef::sequence).max().orElseThrow();
            lock.lock();
            try {
                ensureOpen();
                if (current != null && current.day.equals(day.getKey())) {
                    if (current.lastHead == null || current.lastHead.treeSize() <= highest) {
                        signTreeHead();
                    }
                    current.leaves.flush();
                }
            } finally {
                lock.unlock();
            }
            List<SignedTreeHead> heads = files.readHeads(day.getKey());
            SignedTreeHead head = heads.isEmpty() ? null : heads.get(heads.size() - 1);
            if (head == null || head.treeSize() <= highest) {
                throw new IllegalArgumentException("no signed record " + new RecordRef(day.getKey(), highest));
            }
            byte[] allLeaves = files.readLeaves(day.getKey());
            List<byte[]> leaves = new ArrayList<>((int) head.treeSize());
            for (int i = 0; i < head.treeSize(); i++) {
                byte[] l = new byte[MerkleTree.HASH_LENGTH];
                System.arraycopy(allLeaves, i * MerkleTree.HASH_LENGTH, l, 0, MerkleTree.HASH_LENGTH);
                leaves.add(l);
            }
            MerkleTree.Paths paths = MerkleTree.paths(leaves);
            try (ExcerptTailer tailer = queue.createTailer()) {
                for (RecordRef ref : day.getValue()) {
                    byte[] bytes = tailer.moveToIndex(ROLL_CYCLE.toIndex((int) ref.day().toEpochDay(), ref.sequence()))
                            ? readCurrent(tailer) : null;
                    if (bytes == null) {
                        throw new IllegalArgumentException("no record " + ref);
                    }
                    proofs.put(ref, new InclusionProof(ref, bytes, paths.of((int) ref.sequence()), head));
                }
            }
        }
        return refs.stream().map(proofs::get).toList();
    }

    /** Signs the current day's head, writes out its index and leaves, and closes the queue. Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            if (failure != null) {
                // The writer's state is not trusted: leave the day to the next open, which rebuilds it.
                discardWriter();
            } else if (current != null) {
                finishDay(current, writerTime(), false);
                current = null;
            }
            closed = true;
            try {
                for (DayIndex index : indexes.values()) {
                    try {
                        index.awaitWritten();
                    } catch (MetadataStoreException e) {
                        if (failure == null) {
                            throw e;
                        }
                    }
                }
            } finally {
                indexThread.shutdown();
                queue.close();
            }
        } finally {
            lock.unlock();
        }
    }

    // ---- writer internals (lock held) ----

    private void write(byte[] bytes, int length, long now) {
        pinnedTime = now;
        try (DocumentContext dc = appender.writingDocument()) {
            try {
                dc.wire().bytes().write(bytes, 0, length);
            } catch (RuntimeException | InternalError e) {
                // Closing the document would commit it half-written (a torn record): withdraw it.
                dc.rollbackOnClose();
                throw e;
            }
        } catch (RuntimeException | InternalError e) {
            throw stop("writing a record to " + files.queue, e);
        } finally {
            pinnedTime = NOT_PINNED;
        }
    }

    /** Stops the writer (the first cause is kept) and returns the exception to throw to the caller. */
    private MetadataStoreException stop(String doing, Throwable cause) {
        if (failure == null) {
            failure = cause;
            LOG.error("metadata store stopped writing, failed while {}: {}; appends are refused until it is repaired",
                    doing, cause.toString());
        }
        return new MetadataStoreException("metadata store failed while " + doing + ": " + cause, cause);
    }

    /**
     * A fault inside Chronicle's own code (an {@link InternalError} from an unbacked page) can leave the queue's write
     * lock held by this process with no appender inside: no other thread of this process can be there, as every
     * append holds {@link #lock}, so the lock is abandoned and released. A lock of another process is left alone.
     */
    private void releaseAbandonedWriteLock() {
        try (TableStoreWriteLock writeLock = new TableStoreWriteLock(queue.metaStore(), Pauser::balanced, 0L)) {
            if (writeLock.locked() && writeLock.isLockedByCurrentProcess(otherPid -> { })) {
                LOG.warn("releasing the queue write lock a failed write of this process left held in {}", files.queue);
                writeLock.forceUnlock();
            }
        }
    }

    /** Forgets the writer's state of its day; whatever it fails to flush is recomputed from the queue. */
    private void discardWriter() {
        DayState day = current;
        current = null;
        try {
            appender.close();
        } catch (RuntimeException | InternalError e) {
            LOG.debug("closing the failed appender", e);
        }
        if (day == null) {
            return;
        }
        try {
            // A segment still being written must land before a new index of the day numbers its own segments.
            day.index.awaitWritten();
        } catch (MetadataStoreException e) {
            LOG.debug("the failed writer's last index segment", e);
        }
        try {
            day.leaves.close();
        } catch (RuntimeException | InternalError e) {
            LOG.debug("closing the failed writer's leaf log", e);
        }
    }

    private long writerTime() {
        long now = clock.millis();
        // Chronicle cannot append to an older cycle than its last one: a clock stepping back stays in today.
        return current != null ? Math.max(now, current.dayStartMillis) : now;
    }

    private DayState dayFor(long now) {
        // A range check, not dayOf(now).equals(current.day): no LocalDate per append.
        if (current == null || now - current.dayStartMillis >= DAY_MILLIS || now < current.dayStartMillis) {
            roll(dayOf(now));
        }
        return current;
    }

    private void roll(LocalDate day) {
        if (current != null) {
            finishDay(current, day.toEpochDay() * DAY_MILLIS, true);
        }
        current = loadDay(day, 0);
    }

    private void finishDay(DayState day, long now, boolean rolled) {
        if (day.count > 0 && (day.lastHead == null || day.lastHead.treeSize() < day.count)) {
            signHeadLocked(day, now);
        }
        day.index.seal(day.count);
        day.leaves.close();
        if (rolled) {
            LOG.info("metadata day {} closed with {} records", day.day, day.count);
        }
    }

    private void signHeadLocked(DayState day, long now) {
        day.leaves.flush();
        // Every head of a day commits to the same previous-day head: the chain link is fixed by its first head.
        SignedTreeHead previous = day.lastHead == null ? latestHeadBefore(day.day) : previousOf(day.lastHead);
        SignedTreeHead head = SignedTreeHead.sign(day.day, day.count, day.frontier.root(), Instant.ofEpochMilli(now),
                previous, signingKey.getPrivate());
        files.appendHead(head);
        day.lastHead = head;
        day.lastHeadMillis = now;
    }

    private SignedTreeHead previousOf(SignedTreeHead head) {
        if (head.previousDay() == null) {
            return null;
        }
        List<SignedTreeHead> heads = files.readHeads(head.previousDay());
        return heads.isEmpty() ? null : heads.get(heads.size() - 1);
    }

    private SignedTreeHead latestHeadBefore(LocalDate day) {
        for (LocalDate d : files.days().headSet(day, false).descendingSet()) {
            List<SignedTreeHead> heads = files.readHeads(d);
            if (!heads.isEmpty()) {
                return heads.get(heads.size() - 1);
            }
        }
        return null;
    }

    /**
     * Loads a day for writing: its key, its Merkle frontier from the leaf log (recomputing leaves a crash lost), its
     * index (rebuilding entries after the last segment), and checks that the signed heads match the records.
     */
    private DayState loadDay(LocalDate day, long count) {
        DayCrypto crypto = new DayCrypto(keyFiles.daySecretOrCreate(day), DayCrypto.WRITER_CACHE);
        byte[] stored = files.readLeaves(day);
        long storedLeaves = stored.length / MerkleTree.HASH_LENGTH;
        if (storedLeaves > count) {
            throw new MetadataStoreException("day " + day + ": the leaf log has " + storedLeaves
                    + " entries but the queue holds only " + count + " records (records missing from the queue)");
        }
        List<SignedTreeHead> heads = files.readHeads(day);
        MerkleFrontier frontier = new MerkleFrontier();
        LeafWriter leaves = new LeafWriter(files.leavesFile(day), storedLeaves);
        DayIndex index = DayIndex.writable(day, files, indexThread, segmentWriter, indexBufferEntries);
        indexes.put(day, index);
        long indexedUpTo = index.indexedUpTo();
        DayState state = new DayState(day, crypto, frontier, leaves, index);
        long signed = heads.isEmpty() ? 0 : heads.get(heads.size() - 1).treeSize();
        int headIndex = 0;
        byte[] one = new byte[MerkleTree.HASH_LENGTH];
        try (ExcerptTailer tailer = queue.createTailer()) {
            boolean positioned = count > Math.min(storedLeaves, indexedUpTo)
                    && tailer.moveToIndex(ROLL_CYCLE.toIndex((int) day.toEpochDay(), Math.min(storedLeaves,
                    indexedUpTo)));
            for (long seq = 0; seq < count; seq++) {
                headIndex = checkHeads(day, heads, headIndex, frontier);
                byte[] bytes = null;
                if (seq >= Math.min(storedLeaves, indexedUpTo)) {
                    bytes = positioned ? readCurrent(tailer) : null;
                    if (bytes == null) {
                        throw new MetadataStoreException("day " + day + ": record " + seq + " unreadable");
                    }
                }
                if (seq < storedLeaves) {
                    System.arraycopy(stored, (int) (seq * MerkleTree.HASH_LENGTH), one, 0, one.length);
                    frontier.append(one);
                } else {
                    frontier.appendData(bytes, 0, bytes.length, one);
                    leaves.add(one);
                }
                // A record no leaf or head covers that is cut short was being written when the process died or the
                // disk filled (kill -9 leaves one, as the last; a full disk may leave one the writer took as written).
                // It stays in the tree as the bytes it is, so the day verifies and later records keep their
                // positions, but it is not indexed: no query finds it, and nothing reads it as a record.
                if (seq >= storedLeaves && seq >= signed && RecordCodec.isTorn(bytes)) {
                    LOG.warn("metadata day {}: record {} was cut short by a crash or a failed write; kept as an "
                            + "unindexed leaf", day, seq);
                } else if (seq >= indexedUpTo) {
                    TrafficRecord r = RecordCodec.decode(ByteBuffer.wrap(bytes), crypto);
                    RecordCodec.encode(r, crypto, encoded, keys);
                    index.add(keys, seq);
                }
            }
            checkHeads(day, heads, headIndex, frontier);
        }
        state.count = count;
        leaves.flush();
        state.lastHead = heads.isEmpty() ? null : heads.get(heads.size() - 1);
        state.lastHeadMillis = clock.millis();
        if (state.lastHead != null && state.lastHead.treeSize() > count) {
            throw new MetadataStoreException("day " + day + ": signed head covers " + state.lastHead.treeSize()
                    + " records but the queue holds only " + count + " (records missing)");
        }
        return state;
    }

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

    /** At open: repairs every kept day, finishing earlier days, and resumes the current one. */
    private void recover() {
        TreeSet<LocalDate> days = files.days();
        LocalDate today = dayOf(clock.millis());
        verifier().checkChain(days, today).ifPresent(p -> {
            throw new MetadataStoreException("data directory " + files.root + " has a broken signed chain: "
                    + p.kind() + " on " + p.day() + ": " + p.detail());
        });
        try (ExcerptTailer tailer = queue.createTailer()) {
            for (LocalDate day : days) {
                long count = Files.exists(files.cycleFile(day)) ? tailer.excerptsInCycle((int) day.toEpochDay()) : 0;
                List<SignedTreeHead> heads = files.readHeads(day);
                boolean complete = !heads.isEmpty() && heads.get(heads.size() - 1).treeSize() == count
                        && files.leafCount(day) == count && !day.equals(today)
                        && indexedUpTo(day) == count;
                if (complete) {
                    indexes.put(day, DayIndex.readOnly(day, files));
                    continue;
                }
                DayState state = loadDay(day, count);
                if (day.equals(today)) {
                    current = state;
                } else {
                    finishDay(state, clock.millis(), false);
                }
            }
        }
    }

    private long indexedUpTo(LocalDate day) {
        long upTo = 0;
        for (Path p : files.segmentFiles(day)) {
            upTo = Math.max(upTo, IndexSegment.open(p).endSeq());
        }
        return upTo;
    }

    private List<LocalDate> pruneExpiredLocked() {
        LocalDate today = dayOf(clock.millis());
        List<LocalDate> dropped = new ArrayList<>();
        for (LocalDate day : files.days()) {
            if (!day.plus(config.retention()).isBefore(today)) {
                break;
            }
            DayIndex index = indexes.remove(day);
            if (index != null) {
                index.awaitWritten();
            }
            files.deleteSideFiles(day, keyFiles);
            try {
                Files.deleteIfExists(files.cycleFile(day));
            } catch (IOException e) {
                throw new MetadataStoreException("cannot delete expired cycle " + files.cycleFile(day), e);
            }
            dropped.add(day);
        }
        if (!dropped.isEmpty()) {
            queue.refreshDirectoryListing();
            LOG.info("metadata retention {}: dropped {} day(s) {}..{} with their keys", config.retention(),
                    dropped.size(), dropped.get(0), dropped.get(dropped.size() - 1));
        }
        return dropped;
    }

    // ---- queries ----

    private List<StoredRecord> queryDay(LocalDate day, TrafficQuery query, Cursor after, ExcerptTailer tailer) {
        DayIndex index = indexes.get(day);
        Optional<byte[]> secret = keyFiles.daySecret(day);
        if (index == null || secret.isEmpty()) {
            return List.of();
        }
        DayCrypto crypto = new DayCrypto(secret.get(), DayCrypto.READER_CACHE);
        LongList seqs = new LongList();
        for (long key : queryKeys(query.criterion(), crypto)) {
            // Buffers before segments: an entry leaves the buffers only once its segment is published.
            if (index.mayHaveBuffered()) {
                lock.lock();
                try {
                    index.findBuffered(key, seqs);
                } finally {
                    lock.unlock();
                }
            }
            index.findInSegments(key, seqs);
        }
        seqs.sortDistinct();
        long from = query.from().toEpochMilli();
        long to = query.to().toEpochMilli();
        List<StoredRecord> hits = new ArrayList<>();
        for (int i = 0; i < seqs.size(); i++) {
            long seq = seqs.get(i);
            if (!tailer.moveToIndex(ROLL_CYCLE.toIndex((int) day.toEpochDay(), seq))) {
                continue;
            }
            byte[] bytes = readCurrent(tailer);
            if (bytes == null) {
                continue;
            }
            TrafficRecord r = RecordCodec.decode(ByteBuffer.wrap(bytes), crypto);
            long t = r.eventTime().toEpochMilli();
            // The key is 64 bits of a keyed hash; the exact comparison also rules out a collision.
            if (t >= from && t < to && query.criterion().matches(r)) {
                StoredRecord stored = new StoredRecord(new RecordRef(day, seq), r);
                if (after == null || after.isBefore(stored)) {
                    hits.add(stored);
                }
            }
        }
        hits.sort(Cursor.ORDER);
        return hits;
    }

    private static long[] queryKeys(TrafficQuery.Criterion criterion, DayCrypto crypto) {
        if (criterion instanceof TrafficQuery.ByMsisdn m) {
            long asSource = crypto.indexKey(DayCrypto.KIND_SOURCE_INDEX, m.msisdn());
            long asDestination = crypto.indexKey(DayCrypto.KIND_DESTINATION, m.msisdn());
            return switch (m.role()) {
                case SOURCE -> new long[] {asSource};
                case DESTINATION -> new long[] {asDestination};
                case EITHER -> new long[] {asSource, asDestination};
            };
        }
        if (criterion instanceof TrafficQuery.ByMessageId id) {
            return new long[] {crypto.indexKey(DayCrypto.KIND_MESSAGE_ID, id.messageId())};
        }
        TrafficQuery.ByCustomer c = (TrafficQuery.ByCustomer) criterion;
        return new long[] {crypto.indexKey(DayCrypto.KIND_CUSTOMER, c.customerId())};
    }

    static byte[] readCurrent(ExcerptTailer tailer) {
        try (DocumentContext dc = tailer.readingDocument()) {
            if (!dc.isPresent()) {
                return null;
            }
            Bytes<?> b = dc.wire().bytes();
            byte[] out = new byte[(int) b.readRemaining()];
            b.read(out);
            return out;
        }
    }

    static LocalDate dayOf(long epochMillis) {
        return LocalDate.ofEpochDay(Math.floorDiv(epochMillis, DAY_MILLIS));
    }

    private Verifier verifier() {
        return new Verifier(files, queue, signingKey.getPublic(), config.retention());
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("metadata store is closed");
        }
    }

    private void ensureWritable() {
        ensureOpen();
        Throwable cause = failure;
        if (cause != null) {
            throw new MetadataStoreException("metadata store is not writable since a write failed (" + cause
                    + "); repair() reopens it", cause);
        }
    }

    private void closeQuietly() {
        indexThread.shutdown();
        try {
            queue.close();
        } catch (RuntimeException e) {
            LOG.warn("closing the queue after a failed open failed too", e);
        }
    }

    /** The position of the last returned record, encoded as the opaque continuation token. */
    private record Cursor(LocalDate day, long eventTime, long sequence) {
        static final Comparator<StoredRecord> ORDER = Comparator
                .comparing((StoredRecord r) -> r.ref().day())
                .thenComparing(r -> r.record().eventTime())
                .thenComparingLong(r -> r.ref().sequence());

        boolean isBefore(StoredRecord r) {
            int c = r.ref().day().compareTo(day);
            if (c != 0) {
                return c > 0;
            }
            long t = r.record().eventTime().toEpochMilli();
            return t != eventTime ? t > eventTime : r.ref().sequence() > sequence;
        }

        static String of(StoredRecord last, long fingerprint) {
            ByteBuffer b = ByteBuffer.allocate(1 + 8 + 8 + 8 + 8).put((byte) TOKEN_VERSION).putLong(fingerprint)
                    .putLong(last.ref().day().toEpochDay()).putLong(last.record().eventTime().toEpochMilli())
                    .putLong(last.ref().sequence());
            return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
        }

        static Cursor parse(String token, long fingerprint) {
            try {
                ByteBuffer b = ByteBuffer.wrap(Base64.getUrlDecoder().decode(token));
                if (b.remaining() != 33 || b.get() != TOKEN_VERSION) {
                    throw new IllegalArgumentException("continuation token is malformed");
                }
                if (b.getLong() != fingerprint) {
                    throw new IllegalArgumentException("continuation token belongs to another query");
                }
                return new Cursor(LocalDate.ofEpochDay(b.getLong()), b.getLong(), b.getLong());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("continuation token rejected: " + e.getMessage(), e);
            }
        }
    }
}
