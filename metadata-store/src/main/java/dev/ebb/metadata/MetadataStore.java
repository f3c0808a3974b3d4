package dev.ebb.metadata;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only, tamper-evident store of traffic data (DESIGN invariant 3): one Chronicle Queue cycle per UTC day,
 * one RFC 6962 Merkle tree per day with Ed25519-signed tree heads chained day to day, identifiers sealed under a
 * per-day key and indexed through a keyed blind index, whole days dropped after the retention period together with
 * their key. Each day is also a C2SP transparency log of its own ({@link #checkpoint}, {@link #tile},
 * {@link #consistencyProof}, {@link #tlogProof}): a checkpoint is signed with every tree head, never one
 * inconsistent with the day's previous checkpoint, and witnesses' cosignatures are kept with it.
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
 *
 * <p>This class only wires the parts and checks arguments; each job is a package-private class, as Chronicle Queue's
 * {@code SingleChronicleQueue} sits over its appender and tailer: {@code DayWriter} (appends, day rolls, tree heads,
 * repair; owns the writer lock), {@code Recovery} (derived files recomputed from the queue), {@code Pruner}
 * (retention), {@code QueryEngine} with {@code Continuation} (indexed queries and their paging token), {@code Proofs}
 * (inclusion proofs) and {@code Verifier}.
 */
public final class MetadataStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetadataStore.class);
    /** An event more than a day away from the store clock is refused, so a query need only look one day around its
     * window to find every record whose event time falls in it. */
    static final long MAX_EVENT_SKEW_MILLIS = Cycles.DAY_MILLIS;
    /** Entries (four per record) of an index buffer: 16 MiB per buffer, a segment per 262,144 records. */
    static final int INDEX_BUFFER_ENTRIES = 1 << 20;

    private final Clock clock;
    private final SingleChronicleQueue queue;
    private final DayIndexes indexes;
    private final HeadSigner signer;
    private final Verifier verifier;
    private final DayWriter writer;
    private final Pruner pruner;
    private final QueryEngine queries;
    private final Proofs proofs;
    private final Checkpoints checkpoints;
    private final Tlog tlog;
    private final QueueSync queueSync;
    private final Usage usage;
    private final DayFiles files;
    private final KeyFiles keyFiles;

    private MetadataStore(Path dir, MetadataStoreConfig config, Clock clock, KeyWrapper kek, int indexBufferEntries,
                          FileSync sync, boolean groupCommit) {
        DayFiles files = new DayFiles(dir);
        this.files = files;
        this.clock = clock;
        files.create();
        files.checkFormat();
        KeyFiles keyFiles = new KeyFiles(files.keys, kek);
        keyFiles.requireOwnerOnly();
        keyFiles.wrapDayKeysInClear();
        this.keyFiles = keyFiles;
        this.queueSync = new QueueSync(sync, groupCommit, files.queue);
        KeyPair signingKey = keyFiles.signingKey(config.signingKeyFile() != null
                ? config.signingKeyFile() : files.keys.resolve(KeyFiles.SIGNING_KEY));
        this.checkpoints = new Checkpoints(files, NoteSigner.of(config.logName(), signingKey));
        this.signer = new HeadSigner(files, signingKey, queueSync::beforeDerived, checkpoints);
        CycleClock cycleClock = new CycleClock(clock);
        this.queue = SingleChronicleQueueBuilder.binary(files.queue).rollCycle(Cycles.ROLL_CYCLE)
                .timeProvider(cycleClock::millis).build();
        this.indexes = new DayIndexes(files, indexBufferEntries, queueSync::beforeDerived);
        this.verifier = new Verifier(files, queue, signer.publicKey(), config.retention());
        Recovery recovery = new Recovery(files, keyFiles, queue, indexes, verifier, signer, clock);
        this.writer = new DayWriter(files, queue, cycleClock, clock, indexes, recovery, signer,
                config.treeHeadInterval().toMillis(), queueSync);
        this.pruner = new Pruner(files, keyFiles, indexes, queue, config.retention(), clock);
        this.queries = new QueryEngine(files, keyFiles, queue, indexes, writer, clock);
        this.proofs = new Proofs(files, queue, writer);
        this.tlog = new Tlog(files, queue, checkpoints);
        this.usage = new Usage(files, writer, pruner);
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
        return open(dir, config, clock, null, INDEX_BUFFER_ENTRIES, FileSync.FSYNC, false);
    }

    /**
     * {@link #open(Path, MetadataStoreConfig, Clock)} with the day keys and the signing key stored wrapped under
     * {@code kek} (DESIGN invariant 3: a copied data directory shows no numbers, also with its key files); keys found
     * in clear are wrapped first, with a log line saying so.
     *
     * @param kek the key-encryption key, or null to keep the keys in clear
     * @throws KeyUnwrapException if a key file is wrapped and {@code kek} is null or not the KEK it was wrapped under
     */
    public static MetadataStore open(Path dir, MetadataStoreConfig config, Clock clock, KeyWrapper kek) {
        return open(dir, config, clock, kek, INDEX_BUFFER_ENTRIES, FileSync.FSYNC, false);
    }

    /**
     * {@link #open(Path, MetadataStoreConfig, Clock, KeyWrapper)} for group commits ({@code storage.durability:
     * fsync}): {@link #force()} forces through {@code sync}, and every signed tree head and index segment is written
     * only after the records it covers are forced, so a power cut never leaves a head or an index over records the
     * disk lacks.
     *
     * @param kek the key-encryption key, or null to keep the keys in clear
     */
    public static MetadataStore openForGroupCommit(Path dir, MetadataStoreConfig config, Clock clock, KeyWrapper kek,
                                                   FileSync sync) {
        Fields.requireNonNull("sync", sync);
        return open(dir, config, clock, kek, INDEX_BUFFER_ENTRIES, sync, true);
    }

    /** {@link #open(Path, MetadataStoreConfig, Clock, KeyWrapper)} with another index buffer size (tests fill it quickly). */
    static MetadataStore open(Path dir, MetadataStoreConfig config, Clock clock, KeyWrapper kek,
                              int indexBufferEntries) {
        return open(dir, config, clock, kek, indexBufferEntries, FileSync.FSYNC, false);
    }

    private static MetadataStore open(Path dir, MetadataStoreConfig config, Clock clock, KeyWrapper kek,
                                      int indexBufferEntries, FileSync sync, boolean groupCommit) {
        Fields.requireNonNull("dir", dir);
        Fields.requireNonNull("config", config);
        Fields.requireNonNull("clock", clock);
        Fields.requireRange("indexBufferEntries", indexBufferEntries, RecordCodec.MAX_KEYS, Integer.MAX_VALUE);
        MetadataStore store = new MetadataStore(dir, config, clock, kek, indexBufferEntries, sync, groupCommit);
        try {
            // Pruning first: recovery then neither repairs nor checks the chain of days about to be dropped.
            store.pruner.pruneExpired(() -> { });
            store.writer.recover();
            store.tlog.checkpointUnpublishedDays();
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
     * an {@link InternalError}, OpenHFT/Chronicle-Queue#1282) stops the writer: every later append is refused with a
     * {@link MetadataStoreException} until {@link #repair()} succeeds, as the writer's in-memory tree and index may
     * then disagree with the files. The JVM may report such a fault only after the write returned, so what the failed
     * append leaves in the queue is at most a record cut short, which repair or the next open keeps as an unindexed
     * leaf (no query finds it). A failure of an ordinary file write while updating the derived files (leaf log,
     * index, tree heads) after the record is in the queue stops the writer the same way, but the append returns
     * normally: the record is durable, and repair or the next open recomputes what it derives.
     *
     * @throws IllegalArgumentException if the record is null or its event time is more than 24 h from the clock;
     *                                  nothing is written then
     * @throws MetadataStoreException   if the record could not be written, or the writer is stopped ({@link
     *                                  #writable()} false); the record is not stored then (at most cut short)
     * @throws IllegalStateException    if the store is closed
     */
    public void append(TrafficRecord record) {
        Fields.requireNonNull("record", record);
        Interrupts.aside(() -> writer.append(record));
    }

    /**
     * Forces every record appended before the call to the device (the current day's cycle file, and the day's before
     * it after a roll): the metadata half of a group commit. Runs alongside appends; it never takes the writer lock.
     *
     * @throws MetadataStoreException if the file cannot be forced: what the page cache held is then not known to be on
     *                                the device, so nothing appended before may be acknowledged as durable
     */
    public void force() {
        Interrupts.aside(queueSync::force);
    }

    /** True while appends are taken: the store is open and no write has failed since it was opened or repaired. */
    public boolean writable() {
        return writer.writable();
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
        return Interrupts.aside(writer::repair);
    }

    /**
     * Signs and stores a tree head for the current day now, if records were added since the last one. While the
     * writer is stopped ({@link #writable()} false) nothing is signed; a failure to sign stops it (see {@link
     * #append}) rather than throwing, so a schedule calling this keeps running.
     *
     * @return the current day's latest head, empty if no record was appended today
     */
    public Optional<SignedTreeHead> signTreeHead() {
        return Interrupts.aside(writer::signTreeHead);
    }

    /**
     * Drops every day cycle older than the retention period, with its index files, signed heads and day key (so the
     * sealed numbers of that day are unrecoverable). A day D is dropped once {@code D + retention} is before today
     * (UTC, store clock). Runs beside appends: they do not wait for it.
     *
     * @return the days dropped, ascending
     */
    public List<LocalDate> pruneExpired() {
        return Interrupts.aside(() -> pruner.pruneExpired(writer::ensureOpen));
    }

    /** Age of the oldest record kept (by its event time), for metrics; empty when the store holds no record. */
    public Optional<Duration> oldestRecordAge() {
        return queries.oldestRecordAge();
    }

    /**
     * Days, records and bytes kept now, and days pruned since the store was opened: what a metrics scrape asks for.
     * Cheap: days before the current one are counted once (a file size each) and again only after a day roll or a
     * prune, never by reading records; the current day's count is the writer's. Briefly takes the writer lock.
     */
    public StoreUsage usage() {
        return usage.now();
    }

    /** The public key that verifies this store's tree heads. */
    public PublicKey publicKey() {
        return signer.publicKey();
    }

    /**
     * Runs a query: records matching the criterion whose event time is in the window, in time order, at most the
     * query's limit, with a continuation token when more remain. Uses the per-day index, never a scan of records.
     *
     * @throws IllegalArgumentException if the continuation token is malformed or belongs to another query
     */
    public QueryPage query(TrafficQuery query) {
        Fields.requireNonNull("query", query);
        writer.ensureOpen();
        return Interrupts.aside(() -> queries.query(query));
    }

    /**
     * The records of many messages at once: for each message id, its records whose event time is in {@code [from,
     * to)}, in time order; an id with none is absent from the map. What a restart needs for its backlog: each day's
     * key is derived and its index looked into once for all the ids, where a {@link TrafficQuery#byMessageId} per
     * message paid that per message and per day. Uses the index only, like {@link #query}.
     *
     * @throws IllegalArgumentException if {@code to} is before {@code from}
     */
    public Map<String, List<StoredRecord>> recordsOfMessages(Collection<String> messageIds, Instant from, Instant to) {
        Fields.requireNonNull("messageIds", messageIds);
        Fields.requireNonNull("from", from);
        Fields.requireNonNull("to", to);
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("window is inverted: " + from + " .. " + to);
        }
        writer.ensureOpen();
        return Interrupts.aside(() -> queries.recordsOfMessages(messageIds, from, to));
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
        return Interrupts.aside(() -> {
            writer.signTreeHead();
            LocalDate live = writer.flushForVerify();
            return verifier.verify(from, to, Cycles.dayOf(clock.millis()), live);
        });
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
        return Interrupts.aside(() -> proofs.of(refs));
    }

    /**
     * The verifier key of the store's C2SP checkpoints ({@code <log name>+<key ID>+<key>}, signed-note type Ed25519):
     * what an auditor or a witness is configured with. It is {@link #publicKey()} under the log name.
     */
    public NoteVerifierKey logKey() {
        return checkpoints.verifierKey();
    }

    /** The checkpoint origin of {@code day}: {@code <log name>/<yyyy-mm-dd>}. */
    public String checkpointOrigin(LocalDate day) {
        Fields.requireNonNull("day", day);
        return checkpoints.origin(day);
    }

    /**
     * The latest signed checkpoint of {@code day} (C2SP tlog-checkpoint, one per signed tree head) with the
     * cosignatures witnesses gave it; also for a day pruned since (its records are gone, what was published about them
     * stays). Empty if none was signed.
     */
    public Optional<SignedNote> checkpoint(LocalDate day) {
        Fields.requireNonNull("day", day);
        return checkpoints.latest(day);
    }

    /** The days with a signed checkpoint, ascending, pruned ones included. */
    public List<LocalDate> checkpointDays() {
        return checkpoints.days();
    }

    /**
     * Adds witnesses' cosignature lines to {@code day}'s latest checkpoint if it is still the one they cosigned (the
     * caller verifies them: the store keeps what it is given).
     *
     * @param checkpointText the text of the checkpoint they cosigned
     * @return true if added; false if a newer checkpoint was signed meanwhile
     */
    public boolean addCosignatures(LocalDate day, String checkpointText, List<SignedNote.Signature> cosignatures) {
        Fields.requireNonNull("day", day);
        Fields.requireNonNull("checkpointText", checkpointText);
        return Interrupts.aside(() -> checkpoints.addCosignatures(day, checkpointText, cosignatures));
    }

    /**
     * The RFC 6962 §2.1.2 consistency proof of {@code day}'s tree from size {@code from} to size {@code to}, both at
     * most the latest checkpoint's.
     *
     * @throws IllegalArgumentException if the sizes are not {@code 0 <= from <= to <= } the checkpointed size, or the
     *                                  day's leaves are gone (pruned)
     */
    public List<byte[]> consistencyProof(LocalDate day, long from, long to) {
        Fields.requireNonNull("day", day);
        return tlog.consistencyProof(day, from, to);
    }

    /**
     * The RFC 6962 §2.1.1 audit path of record {@code ref} in its day's tree of {@code treeSize} leaves (at most the
     * latest checkpoint's).
     *
     * @throws IllegalArgumentException if the record is not in that tree, or its day is pruned
     */
    public List<byte[]> inclusionPath(RecordRef ref, long treeSize) {
        Fields.requireNonNull("ref", ref);
        return tlog.inclusionPath(ref, treeSize);
    }

    /**
     * A C2SP tlog-tiles resource of {@code day}'s log: a tile of tree hashes, or an entry bundle of the records as
     * stored (identifiers sealed, no content; each a big-endian u16 length and the bytes). Only what the latest
     * checkpoint covers is served.
     *
     * @throws IllegalArgumentException if the tile reaches past the latest checkpoint, or the day is pruned
     */
    public byte[] tile(LocalDate day, TilePath path) {
        Fields.requireNonNull("day", day);
        Fields.requireNonNull("path", path);
        return tlog.tile(day, path);
    }

    /**
     * A C2SP tlog-proof of record {@code ref} against its day's latest checkpoint (signing one first if none covers it
     * yet), with the cosignatures it has and the record as stored as its extra data.
     *
     * @throws IllegalArgumentException if there is no such record
     */
    public TlogProof tlogProof(RecordRef ref) {
        Fields.requireNonNull("ref", ref);
        return Interrupts.aside(() -> {
            writer.signThrough(ref.day(), ref.sequence());
            return tlog.proof(ref);
        });
    }

    /**
     * The positions of the records stored at or after {@code from}, in append order, at most {@code max}: what a
     * cluster node ships next ({@link #inclusionProofs} gives each one's bytes as stored with its proof). Records go
     * to the current day only, so a day before the last one with records is complete and a position past its end
     * goes on with the next day's first record. Reads a record count per day, never a record.
     */
    public List<RecordRef> refsFrom(RecordRef from, int max) {
        Fields.requireNonNull("from", from);
        Fields.requireRange("max", max, 1, Integer.MAX_VALUE);
        writer.ensureOpen();
        List<RecordRef> refs = new ArrayList<>();
        DayWriter.DayCount current = writer.currentDay();
        try (ExcerptTailer tailer = queue.createTailer()) {
            for (LocalDate day : files.days().tailSet(from.day(), true)) {
                long stored = recordsIn(day, current, tailer);
                for (long seq = day.equals(from.day()) ? from.sequence() : 0; seq < stored; seq++) {
                    if (refs.size() == max) {
                        return refs;
                    }
                    refs.add(new RecordRef(day, seq));
                }
            }
        }
        return refs;
    }

    /** How many records are stored at or after {@code from} (see {@link #refsFrom}): a shipper's lag. */
    public long countFrom(RecordRef from) {
        Fields.requireNonNull("from", from);
        writer.ensureOpen();
        long count = 0;
        DayWriter.DayCount current = writer.currentDay();
        try (ExcerptTailer tailer = queue.createTailer()) {
            for (LocalDate day : files.days().tailSet(from.day(), true)) {
                long stored = recordsIn(day, current, tailer);
                count += Math.max(0, stored - (day.equals(from.day()) ? from.sequence() : 0));
            }
        }
        return count;
    }

    /** The day being written counts as its writer does (the queue's count of a live cycle lags); others by the queue. */
    private long recordsIn(LocalDate day, DayWriter.DayCount current, ExcerptTailer tailer) {
        return current != null && current.day().equals(day) ? current.records() : Cycles.recordsIn(files, tailer, day);
    }

    /**
     * A day's key wrapped under {@code transit}, for another node of a cluster that holds the same transit key to
     * read this store's sealed records of that day ({@link SealedDay}). The key is unwrapped (from under the store's
     * own KEK) and wrapped again here only: it never leaves the store in clear.
     *
     * @return empty if the day has no key (no record yet, or pruned: then its numbers are gone here)
     */
    public Optional<byte[]> wrappedDayKey(LocalDate day, KeyWrapper transit) {
        Fields.requireNonNull("day", day);
        Fields.requireNonNull("transit", transit);
        writer.ensureOpen();
        return keyFiles.wrappedDayKey(day, transit);
    }

    /** Signs the current day's head, writes out its index and leaves, and closes the queue. Idempotent. */
    @Override
    public void close() {
        Interrupts.aside(() -> {
            pruner.excluding(writer::close);
            queueSync.close();
        });
    }

    /** After a failed open: lets go of the index thread and the queue without signing anything. */
    private void closeQuietly() {
        indexes.shutdown();
        queueSync.close();
        try {
            queue.close();
        } catch (RuntimeException e) {
            LOG.warn("closing the queue after a failed open failed too", e);
        }
    }
}
