package dev.ebb.gateway.privacy;

import dev.ebb.gateway.config.ContentConfig;
import dev.ebb.metadata.DurableFiles;
import dev.ebb.metadata.FileSync;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Message content, encrypted per (customer, time bucket) and destroyed by destroying the bucket's key
 * (crypto-shredding, DESIGN.md invariant 2); accepted content is on disk before {@link #put} returns (invariant 4).
 *
 * <h2>Buckets and retention</h2>
 * Time is cut into buckets of width {@code w = config.bucket()} aligned to the epoch: a message written at {@code t}
 * belongs to the bucket starting at {@code floor(t / w) * w}. A bucket's key is destroyed and its files deleted by
 * the first {@link #expireDue()} at or after {@code bucketStart + retention}, the moment its <em>oldest possible</em>
 * message (one written at {@code bucketStart}) is {@code retention} old. With the default 72 h / 1 h:
 * <ul>
 *   <li>a message written at 10:00:00 (bucket 10:00) is readable at 71 h 59 m and gone at 72 h;</li>
 *   <li>a message written at 10:59:59 (same bucket) is gone at 10:00 + 72 h, after 71 h 0 m 1 s: content in a bucket's
 *       last second lives {@code retention - w}. No message ever lives longer than {@code retention}; every message
 *       lives at least {@code retention - w}, which is why delivery must give up after
 *       {@link ContentConfig#maxValidity()} {@code = retention - bucket}.</li>
 * </ul>
 * Expiry costs one key destruction and one file deletion per (customer, bucket), whatever the number of messages in it.
 * The files are deleted, not overwritten (that would cost their size): once the key is gone the bytes are noise,
 * in the file, in free blocks and in any backup.
 *
 * <h2>On disk</h2>
 * <pre>
 * contentDir/
 *   VAULT                                          id of the key store that encrypted this data, open count
 *   &lt;bucketStartEpochMillis&gt;/&lt;hex(customerId)&gt;.vault   records of one customer in one bucket (see {@link RecordHeader})
 * </pre>
 * Keys live in the {@link KeyRing}'s own directory. Each record is AES-256-GCM with a unique 12-byte nonce and
 * AAD binding customer id, message id, bucket start and position. {@link #strip} overwrites a record's state byte and
 * ciphertext in place (a durable tombstone); only the record header (message id, sequence) stays in plaintext.
 *
 * <h2>Threads</h2>
 * {@link #put}, {@link #get} and {@link #strip} may be called from any number of threads at once (Netty event
 * loops): a put is one atomic add plus one positional write, lock-free, with a per-thread {@link Cipher}. The first
 * put of a customer in a new bucket creates and fsyncs its key (milliseconds, once per customer and bucket).
 * {@link #expireDue()}, {@link #eraseCustomer} and bucket creation are serialised with each other. A put racing
 * with {@link #eraseCustomer} for the same customer may fail with a {@link VaultException}; a get racing with
 * expiry returns empty. Do not interrupt threads inside the vault: an interrupt closes file channels (they are
 * reopened for the other threads, but the interrupted call fails).
 *
 * <h2>Durability</h2>
 * A put returns after its record is written to the file (page cache): it survives {@code kill -9} of the JVM, not a
 * power cut, until {@link #force()} (a group commit, {@code storage.durability: fsync}) has run after it. Keys are
 * fsynced when created and destroyed; markers, new files and deletions are fsynced.
 */
public final class ContentVault implements AutoCloseable, MeterBinder {
    static final String MARKER_FILE = "VAULT";
    static final String FILE_SUFFIX = ".vault";
    private static final int MARKER_MAGIC = 0x45424256;
    /** Sequence numbers are {@code generation << 40 | n}: 2^40 puts per opening, later openings sort later. */
    private static final int SEQUENCE_BITS = 40;
    private static final Logger LOG = LoggerFactory.getLogger(ContentVault.class);

    private final Path contentDir;
    private final KeyRing keys;
    private final Clock clock;
    private final long bucketMillis;
    private final long retentionMillis;
    private final SecureRandom random = new SecureRandom();
    private final FileSync sync;
    private final AtomicLong sequence;
    private final Map<BucketId, BucketFile> files = new ConcurrentHashMap<>();
    /** Each customer's newest bucket file: the put fast path is one map lookup and a comparison. */
    private final Map<String, BucketFile> current = new ConcurrentHashMap<>();
    private final Object lifecycle = new Object();
    private final ThreadLocal<ThreadScratch> scratch = ThreadLocal.withInitial(ThreadScratch::new);
    private final AtomicLong keysDestroyed = new AtomicLong();
    private volatile boolean closed;

    private ContentVault(Path contentDir, KeyRing keys, ContentConfig config, Clock clock, long generation,
                         FileSync sync) {
        this.contentDir = contentDir;
        this.sync = sync;
        this.keys = keys;
        this.clock = clock;
        this.bucketMillis = config.bucket().toMillis();
        this.retentionMillis = config.retention().toMillis();
        this.sequence = new AtomicLong(generation << SEQUENCE_BITS);
    }

    /**
     * Opens (or creates) the vault in {@code contentDir}, checks that {@code keys} is the key store its data was
     * written with, finishes any expiry a crash interrupted, and expires what is due.
     *
     * @throws KeyStoreMissingException   if vault data exists but the key store is missing, another one, or lacks
     *                                    the key of a content file
     * @throws KeyStoreCorruptedException if the key store fails its checks (from {@link KeyRing#open})
     * @throws VaultCorruptedException    if the content directory holds something that is not vault data
     */
    public static ContentVault open(Path contentDir, KeyRing keys, ContentConfig config, Clock clock) {
        return open(contentDir, keys, config, clock, FileSync.FSYNC);
    }

    /** {@link #open(Path, KeyRing, ContentConfig, Clock)} whose {@link #force()} forces each file through {@code sync}. */
    public static ContentVault open(Path contentDir, KeyRing keys, ContentConfig config, Clock clock, FileSync sync) {
        try {
            DurableFiles.createDirectoriesDurably(contentDir);
            Path markerFile = contentDir.resolve(MARKER_FILE);
            Optional<StoreMarker> marker = StoreMarker.read(markerFile, MARKER_MAGIC, false);
            long generation;
            if (marker.isPresent()) {
                String written = marker.get().keyStoreIdHex();
                if (!keys.initialised()) {
                    throw new KeyStoreMissingException(keys.directory(), contentDir,
                            "the key store is missing or empty, but the vault holds data encrypted under key store "
                                    + written + "; that content cannot be read without it");
                }
                if (!Arrays.equals(marker.get().keyStoreId(), keys.storeId())) {
                    throw new KeyStoreMissingException(keys.directory(), contentDir, "it is key store "
                            + new StoreMarker(keys.storeId(), 0).keyStoreIdHex() + ", the vault data was encrypted under "
                            + written);
                }
                generation = marker.get().generation() + 1;
            } else {
                List<String> found = entries(contentDir).stream()
                        .filter(name -> !name.equals(MARKER_FILE + ".tmp")).toList();
                if (!found.isEmpty()) {
                    throw new VaultCorruptedException("content directory " + contentDir + " holds " + found
                            + " but no " + MARKER_FILE + " marker");
                }
                keys.initialise();
                generation = 1;
            }
            new StoreMarker(keys.storeId(), generation).write(markerFile, MARKER_MAGIC);
            ContentVault vault = new ContentVault(contentDir, keys, config, clock, generation, sync);
            vault.recover();
            vault.expireDue();
            return vault;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open content vault " + contentDir, e);
        }
    }

    /**
     * Encrypts and appends a sealed message under the key of (customer, bucket of {@code clock.instant()}).
     * On return the record is written to the file (survives {@code kill -9}).
     *
     * @param customerId    1..255 UTF-8 bytes
     * @param messageId     1..255 UTF-8 bytes; authenticated with the content, returned by {@link #forEachPending}
     * @param sealedMessage the serialised outbound message, at most 256 KiB; not interpreted, not retained
     * @throws VaultException if the write fails (the message must then not be acknowledged)
     */
    public VaultHandle put(String customerId, String messageId, byte[] sealedMessage) {
        ensureOpen();
        byte[] id = utf8(messageId, "messageId");
        if (sealedMessage.length > RecordHeader.MAX_SEALED_LENGTH) {
            throw new IllegalArgumentException("sealed message of " + sealedMessage.length
                    + " bytes exceeds " + RecordHeader.MAX_SEALED_LENGTH);
        }
        long now = clock.millis();
        long bucketStart = Math.floorDiv(now, bucketMillis) * bucketMillis;
        BucketFile file = bucketForWriting(customerId, bucketStart);
        SecretKey key = file.key();
        ThreadScratch s = scratch.get();
        int length = RecordHeader.recordLength(id.length, sealedMessage.length);
        byte[] record = s.record(length);
        long position = file.reserve(length);
        int nonceOffset = RecordHeader.nonceOffset(id.length);
        file.writeNonce(record, nonceOffset, position);
        ByteBuffer buffer = ByteBuffer.wrap(record, 0, length);
        RecordHeader.write(buffer, length, sequence.getAndIncrement(), sealedMessage.length, id);
        if (key == null) {
            throw erasedDuringPut(file, messageId, null);
        }
        try {
            s.cipher.init(Cipher.ENCRYPT_MODE, key,
                    new GCMParameterSpec(RecordHeader.TAG_BITS, record, nonceOffset, RecordHeader.NONCE_LENGTH));
            s.cipher.updateAAD(s.aad, 0, s.aad(file.customerUtf8(), messageId, bucketStart, position));
            int written = s.cipher.doFinal(sealedMessage, 0, sealedMessage.length, record,
                    RecordHeader.ciphertextOffset(id.length));
            Arrays.fill(record, RecordHeader.ciphertextOffset(id.length) + written, length, (byte) 0);
            file.write(buffer, position);
            file.countPut();
        } catch (ClosedChannelException erased) {
            throw new VaultException("content bucket " + file.id() + " was expired or erased during the write of message "
                    + messageId, erased);
        } catch (IOException e) {
            throw new VaultException("cannot write message " + messageId + " to content bucket " + file.id(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM encryption failed for message " + messageId, e);
        }
        return new VaultHandle(customerId, Instant.ofEpochMilli(bucketStart), position, messageId);
    }

    /**
     * The decrypted sealed message, or empty if it was stripped, its bucket expired or its customer erased.
     *
     * @throws IllegalArgumentException if the handle does not point at a record of its message
     * @throws VaultCorruptedException  if the record fails AES-GCM authentication (damaged or tampered with)
     */
    public Optional<byte[]> get(VaultHandle handle) {
        ensureOpen();
        BucketFile file = files.get(handle.bucketId());
        SecretKey key = file == null ? null : file.key();
        if (key == null) {
            return Optional.empty();
        }
        ThreadScratch s = scratch.get();
        try {
            RecordHeader header = readRecord(file, handle, s, true);
            if (header.state() != RecordHeader.LIVE) {
                return Optional.empty();
            }
            byte[] record = s.record(header.length());
            s.cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(RecordHeader.TAG_BITS, record,
                    RecordHeader.nonceOffset(header.idLength()), RecordHeader.NONCE_LENGTH));
            s.cipher.updateAAD(s.aad, 0, s.aad(file.customerUtf8(), handle.messageId(), handle.bucket().toEpochMilli(),
                    handle.position()));
            return Optional.of(s.cipher.doFinal(record, RecordHeader.ciphertextOffset(header.idLength()),
                    header.sealedLength() + RecordHeader.TAG_LENGTH));
        } catch (AEADBadTagException unauthentic) {
            if (strippedMeanwhile(file, handle, s)) {
                return Optional.empty();
            }
            throw new VaultCorruptedException("record of message " + handle.messageId() + " in content bucket "
                    + file.id() + " at position " + handle.position() + " fails AES-GCM authentication", unauthentic);
        } catch (ClosedChannelException expired) {
            return Optional.empty();
        } catch (IOException e) {
            throw new VaultException("cannot read message " + handle.messageId() + " from content bucket " + file.id(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM decryption failed for message " + handle.messageId(), e);
        }
    }

    /**
     * Strips the content of a message in a final state before its bucket expires: its state byte becomes a tombstone
     * and its ciphertext zeros, written in place before this returns. Afterwards {@link #get} returns empty and
     * {@link #forEachPending} skips it, also after a restart. Idempotent; a no-op for an expired bucket.
     *
     * @return true if this call stripped it; false if it was stripped already or its bucket is gone
     * @throws IllegalArgumentException if the handle does not point at a record of its message
     */
    public boolean strip(VaultHandle handle) {
        return strip(handle, RecordHeader.STRIPPED);
    }

    /**
     * {@link #strip}s the content of a message not final yet (its customer asked for it to go early). The tombstone
     * says so: {@link #forEachPending(BiConsumer, Consumer, Consumer)} names such messages after a restart, until a
     * {@link #strip} once they are final.
     *
     * @return true if this call stripped it; false if it was stripped already or its bucket is gone
     */
    public boolean stripBeforeFinal(VaultHandle handle) {
        return strip(handle, RecordHeader.STRIPPED_BEFORE_FINAL);
    }

    private boolean strip(VaultHandle handle, byte state) {
        ensureOpen();
        BucketFile file = files.get(handle.bucketId());
        if (file == null || file.retired()) {
            return false;
        }
        ThreadScratch s = scratch.get();
        try {
            RecordHeader header = readRecord(file, handle, s, false);
            if (header.state() == RecordHeader.STRIPPED_BEFORE_FINAL && state == RecordHeader.STRIPPED) {
                // The content went already; now the message is final too, and a restart need not name it.
                byte[] one = s.record(1);
                one[0] = state;
                file.write(ByteBuffer.wrap(one, 0, 1), handle.position() + RecordHeader.stateOffset(header.idLength()));
                return false;
            }
            if (header.state() != RecordHeader.LIVE) {
                return false;
            }
            int tombstoneLength = 1 + header.sealedLength() + RecordHeader.TAG_LENGTH;
            byte[] tombstone = s.record(tombstoneLength);
            Arrays.fill(tombstone, 0, tombstoneLength, (byte) 0);
            tombstone[0] = state;
            file.write(ByteBuffer.wrap(tombstone, 0, tombstoneLength),
                    handle.position() + RecordHeader.stateOffset(header.idLength()));
            file.countStripped();
            return true;
        } catch (ClosedChannelException expired) {
            // The bucket died meanwhile: its key is gone, which strips more than this could.
            return false;
        } catch (IOException e) {
            throw new VaultException("cannot strip message " + handle.messageId() + " in content bucket " + file.id(), e);
        }
    }

    /**
     * Destroys the key and deletes the files of every bucket whose oldest possible message is at least
     * {@code retention} old ({@code bucketStart + retention <= now}). Call it on a schedule; {@link #open} calls it too.
     *
     * @return the number of (customer, bucket) keys destroyed
     */
    public int expireDue() {
        ensureOpen();
        long now = clock.millis();
        synchronized (lifecycle) {
            List<BucketId> due = keys.liveBuckets().stream()
                    .filter(bucket -> bucket.startMillis() + retentionMillis <= now).sorted().toList();
            due.forEach(this::shred);
            if (!due.isEmpty()) {
                LOG.info("content expired: {} bucket key(s) destroyed and file(s) deleted, oldest {}, newest {}",
                        due.size(), due.get(0), due.get(due.size() - 1));
            }
            return due.size();
        }
    }

    /**
     * Destroys every key of the customer and deletes its content files now (end of the DPA, or the controller's
     * instruction). Puts for the customer after this start new buckets with new keys.
     *
     * @return the number of (customer, bucket) keys destroyed
     */
    public int eraseCustomer(String customerId) {
        ensureOpen();
        synchronized (lifecycle) {
            List<BucketId> buckets = keys.liveBuckets().stream()
                    .filter(bucket -> bucket.customerId().equals(customerId)).sorted().toList();
            buckets.forEach(this::shred);
            LOG.info("content of customer {} erased: {} bucket key(s) destroyed and file(s) deleted",
                    customerId, buckets.size());
            return buckets.size();
        }
    }

    /**
     * Visits every live, unstripped message of every live bucket with its decrypted content, oldest bucket first and
     * in write order within a bucket (across customers, by the sequence number written with each record): the
     * store-and-forward backlog after a restart. Call it before taking traffic; messages put meanwhile may or may not
     * be visited. A record a crash left half-written (its put never returned) is not visited. A whole record whose
     * content fails authentication (damaged on disk) goes to {@code unreadable}: its plaintext header still names the
     * message, so the message can be ended instead of being skipped at every start.
     */
    public void forEachPending(BiConsumer<VaultHandle, byte[]> action, Consumer<VaultHandle> unreadable) {
        forEachPending(action, unreadable, handle -> { });
    }

    /**
     * {@link #forEachPending(BiConsumer, Consumer)}, and each message whose content was {@linkplain #stripBeforeFinal
     * stripped before it was final} and not {@linkplain #strip stripped} since goes to {@code strippedBeforeFinal}
     * (by handle only: its content is gone), after the pending ones of its bucket.
     */
    public void forEachPending(BiConsumer<VaultHandle, byte[]> action, Consumer<VaultHandle> unreadable,
                               Consumer<VaultHandle> strippedBeforeFinal) {
        ensureOpen();
        Map<Long, List<BucketFile>> byBucket = new TreeMap<>();
        files.values().forEach(file -> byBucket.computeIfAbsent(file.id().startMillis(), b -> new ArrayList<>()).add(file));
        for (List<BucketFile> bucket : byBucket.values()) {
            List<Pending> pending = new ArrayList<>();
            List<Pending> early = new ArrayList<>();
            for (BucketFile file : bucket) {
                long[] recovered = {0};
                try {
                    file.scan(file.end(), header -> {
                        if (header.state() == RecordHeader.LIVE) {
                            pending.add(new Pending(file.id(), header));
                            if (header.position() < file.openedEnd()) {
                                recovered[0]++;
                            }
                        } else if (header.state() == RecordHeader.STRIPPED_BEFORE_FINAL) {
                            early.add(new Pending(file.id(), header));
                        }
                    });
                    // Counted here rather than by a scan at open: this one reads every file anyway.
                    file.countRecovered(recovered[0]);
                } catch (ClosedChannelException expired) {
                    // Expired or erased while we looked: nothing of it is pending any more.
                } catch (IOException e) {
                    throw new VaultException("cannot scan content bucket " + file.id(), e);
                }
            }
            pending.sort(Comparator.comparingLong(p -> p.header().sequence()));
            for (Pending p : pending) {
                VaultHandle handle = new VaultHandle(p.bucket().customerId(), p.bucket().start(),
                        p.header().position(), p.header().messageId());
                Optional<byte[]> content;
                try {
                    content = get(handle);
                } catch (VaultCorruptedException corrupted) {
                    LOG.warn("unreadable record of message {} in content bucket {} at position {}: {}",
                            handle.messageId(), p.bucket(), handle.position(), corrupted.getMessage());
                    unreadable.accept(handle);
                    continue;
                }
                content.ifPresent(bytes -> action.accept(handle, bytes));
            }
            for (Pending p : early) {
                strippedBeforeFinal.accept(new VaultHandle(p.bucket().customerId(), p.bucket().start(),
                        p.header().position(), p.header().messageId()));
            }
        }
    }

    /**
     * Forces every record put (and every strip) before the call to the device: the content half of a group commit.
     * Only the files written since their last force are forced. May run alongside puts; a file expired or erased
     * meanwhile is skipped (its content is gone anyway).
     *
     * @throws VaultException if a file cannot be forced: what it held is then not known to be on the device
     */
    public void force() {
        for (BucketFile file : files.values()) {
            try {
                file.force(sync);
            } catch (ClosedChannelException retired) {
                // Expired or erased since the write: nothing of it needs to survive.
            } catch (IOException e) {
                throw new VaultException("cannot force content bucket " + file.id(), e);
            }
        }
    }

    /** The customers with records in a live bucket. */
    public Set<String> customers() {
        return files.keySet().stream().map(BucketId::customerId).collect(Collectors.toUnmodifiableSet());
    }

    /**
     * Visits the live, unstripped records of one customer after {@code after} (null: from its first), oldest bucket
     * first and in write order within a bucket, with their decrypted bytes, while {@code visitor} returns true: a
     * walk of one customer's records in pages, each resumed from the last record the one before visited, that holds
     * no more of them in memory than the visitor keeps. A whole record that fails authentication goes to
     * {@code unreadable}, as in {@link #forEachPending}.
     */
    public void forEachPendingOf(String customerId, VaultHandle after, BiPredicate<VaultHandle, byte[]> visitor,
                                 Consumer<VaultHandle> unreadable) {
        ensureOpen();
        List<BucketFile> buckets = files.values().stream().filter(f -> f.id().customerId().equals(customerId)
                        && (after == null || f.id().startMillis() >= after.bucket().toEpochMilli()))
                .sorted(Comparator.comparingLong(f -> f.id().startMillis())).toList();
        boolean[] stopped = {false};
        for (BucketFile file : buckets) {
            Instant bucket = file.id().start();
            boolean resumed = after != null && after.bucket().equals(bucket);
            try {
                file.scan(resumed ? after.position() : 0, file.end(), header -> {
                    if (header.state() != RecordHeader.LIVE || resumed && header.position() == after.position()) {
                        return true;
                    }
                    VaultHandle handle = new VaultHandle(customerId, bucket, header.position(), header.messageId());
                    try {
                        Optional<byte[]> bytes = get(handle);
                        stopped[0] = bytes.isPresent() && !visitor.test(handle, bytes.get());
                    } catch (VaultCorruptedException corrupted) {
                        LOG.warn("unreadable record of message {} in bucket {} at position {}: {}", handle.messageId(),
                                file.id(), handle.position(), corrupted.getMessage());
                        unreadable.accept(handle);
                    }
                    return !stopped[0];
                });
            } catch (ClosedChannelException expired) {
                // Expired or erased while we looked: nothing of it is pending any more.
            } catch (IOException e) {
                throw new VaultException("cannot scan bucket " + file.id(), e);
            }
            if (stopped[0]) {
                return;
            }
        }
    }

    /**
     * How old the oldest content still readable may be: the age of the oldest live bucket's start (the time of the
     * oldest message it can hold), zero when none. At most {@code retention} plus the expiry schedule's interval.
     */
    public Duration oldestContentAge() {
        long oldest = Long.MAX_VALUE;
        for (BucketId bucket : files.keySet()) {
            oldest = Math.min(oldest, bucket.startMillis());
        }
        return oldest == Long.MAX_VALUE ? Duration.ZERO : Duration.ofMillis(Math.max(0, clock.millis() - oldest));
    }

    /**
     * Messages whose content the vault holds readable: put, or found by {@link #forEachPending} after a restart, and
     * neither stripped nor expired.
     */
    public long heldMessages() {
        long held = 0;
        for (BucketFile file : files.values()) {
            held += file.liveRecords();
        }
        return held;
    }

    /** Bytes of the live buckets' content files (records, stripped ones included, until their bucket expires). */
    public long heldBytes() {
        long bytes = 0;
        for (BucketFile file : files.values()) {
            bytes += file.end();
        }
        return bytes;
    }

    /** Live (customer, bucket) pairs: each a key and a file. */
    public int liveBuckets() {
        return files.size();
    }

    /** Bucket keys destroyed since the vault was opened (expiry and erasure). */
    public long keysDestroyed() {
        return keysDestroyed.get();
    }

    /**
     * The privacy promise made visible, read from what the vault keeps in memory (no file is read per scrape): the age
     * of the oldest readable content (DESIGN.md invariant 2: at most 72 h), messages, bytes and buckets held, keys
     * destroyed.
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("ebb.content.oldest.age", this, v -> v.oldestContentAge().toMillis() / 1000.0)
                .baseUnit("seconds").description("age of the oldest content readable: its bucket's start").register(registry);
        Gauge.builder("ebb.content.messages", this, ContentVault::heldMessages)
                .description("messages whose content is held readable").register(registry);
        Gauge.builder("ebb.content.bytes", this, ContentVault::heldBytes)
                .description("bytes of content files of live buckets").register(registry);
        Gauge.builder("ebb.content.buckets", this, ContentVault::liveBuckets)
                .description("live (customer, time bucket) keys, each with its content file").register(registry);
        FunctionCounter.builder("ebb.content.keys.destroyed", this, ContentVault::keysDestroyed)
                .description("bucket keys destroyed (crypto-shredding at expiry or erasure)").register(registry);
    }

    /** False once {@link #close()}d. */
    public boolean isOpen() {
        return !closed;
    }

    /** The content directory (the key store is {@link KeyRing#directory()}). */
    public Path directory() {
        return contentDir;
    }

    /** Closes the files; keys and content stay on disk for the next {@link #open}. Idempotent. */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            for (BucketFile file : files.values()) {
                try {
                    file.retire();
                } catch (IOException e) {
                    LOG.warn("closing content bucket {} failed: {}", file.id(), e.toString());
                }
            }
            files.clear();
            current.clear();
        }
    }

    Path contentPath(BucketId bucket) {
        return contentDir.resolve(Long.toString(bucket.startMillis())).resolve(bucket.customerFileName() + FILE_SUFFIX);
    }

    private BucketFile bucketForWriting(String customerId, long bucketStart) {
        BucketFile cached = current.get(customerId);
        if (cached != null && cached.id().startMillis() == bucketStart && !cached.retired()) {
            return cached;
        }
        BucketId bucket = new BucketId(customerId, bucketStart);
        BucketFile file = files.get(bucket);
        if (file == null) {
            utf8(customerId, "customerId");
            synchronized (lifecycle) {
                ensureOpen();
                file = files.get(bucket);
                if (file == null) {
                    file = createBucketFile(bucket);
                }
            }
        }
        BucketFile opened = file;
        current.compute(customerId, (c, old) -> old == null || old.retired()
                || old.id().startMillis() < bucketStart ? opened : old);
        return opened;
    }

    private BucketFile createBucketFile(BucketId bucket) {
        try {
            // Key first, durably: a content file never exists without the key that reads it.
            SecretKey key = keys.getOrCreate(bucket);
            Path path = contentPath(bucket);
            DurableFiles.createDirectoriesDurably(path.getParent());
            BucketFile file = BucketFile.open(bucket, path, key, noncePrefix());
            // Its name, so that a group commit's force of the file finds it after a power cut (fsync(2) covers the
            // file, not the directory entry). Once per customer and bucket.
            DurableFiles.fsyncDirectory(path.getParent());
            files.put(bucket, file);
            return file;
        } catch (IOException e) {
            throw new VaultException("cannot create content bucket " + bucket, e);
        }
    }

    /** Key first (the content is unreadable from then on, wherever copies are), then the file, then the tombstone. */
    private void shred(BucketId bucket) {
        try {
            BucketFile file = files.remove(bucket);
            if (file != null) {
                current.remove(bucket.customerId(), file);
                file.retire();
            }
            keys.destroy(bucket);
            keysDestroyed.incrementAndGet();
            Path path = contentPath(bucket);
            DurableFiles.deleteDurably(path);
            deleteIfEmpty(path.getParent());
            keys.forget(bucket);
        } catch (IOException e) {
            throw new VaultException("cannot finish destroying content bucket " + bucket
                    + " (key destroyed first; the next open completes the deletion)", e);
        }
    }

    /** Reopens live bucket files; deletes content whose key a crash destroyed before the file could be deleted. */
    private void recover() throws IOException {
        for (String name : entries(contentDir)) {
            Path bucketDir = contentDir.resolve(name);
            if (name.equals(MARKER_FILE) || name.equals(MARKER_FILE + ".tmp")) {
                continue;
            }
            if (!name.matches("-?[0-9]+") || !Files.isDirectory(bucketDir)) {
                throw new VaultCorruptedException("unexpected entry in content directory: " + bucketDir);
            }
            long bucketStart = Long.parseLong(name);
            for (String fileName : entries(bucketDir)) {
                Path path = bucketDir.resolve(fileName);
                if (!fileName.matches("([0-9a-f]{2})+\\" + FILE_SUFFIX)) {
                    throw new VaultCorruptedException("unexpected entry in content directory: " + path);
                }
                BucketId bucket = new BucketId(BucketId.customerFromFileName(
                        fileName.substring(0, fileName.length() - FILE_SUFFIX.length())), bucketStart);
                SecretKey key = keys.key(bucket);
                if (key != null) {
                    files.put(bucket, BucketFile.open(bucket, path, key, noncePrefix()));
                } else if (keys.isDestroyed(bucket)) {
                    DurableFiles.deleteDurably(path);
                    LOG.info("deleted content file of {} whose key was already destroyed", bucket);
                } else {
                    throw new KeyStoreMissingException(keys.directory(), contentDir, "no key for content file " + path
                            + " (expected " + keys.keyPath(bucket) + ")");
                }
            }
            deleteIfEmpty(bucketDir);
        }
        for (BucketId bucket : keys.destroyedBuckets()) {
            keys.forget(bucket);
        }
    }

    /**
     * Reads the record the handle points at into the thread's record buffer (whole, or the header only) and checks
     * that it is the handle's message.
     */
    private RecordHeader readRecord(BucketFile file, VaultHandle handle, ThreadScratch s, boolean whole)
            throws IOException {
        byte[] buffer = s.record(RecordHeader.MAX_HEADER_LENGTH);
        int read = file.read(ByteBuffer.wrap(buffer, 0, RecordHeader.MAX_HEADER_LENGTH), handle.position());
        RecordHeader header = RecordHeader.parse(ByteBuffer.wrap(buffer, 0, read), 0, handle.position());
        if (header == null || !header.messageId().equals(handle.messageId())) {
            throw new IllegalArgumentException("no record of message " + handle.messageId() + " in content bucket "
                    + file.id() + " at position " + handle.position());
        }
        if (whole && header.length() > read) {
            byte[] record = s.record(header.length());
            file.read(ByteBuffer.wrap(record, read, header.length() - read), handle.position() + read);
        }
        return header;
    }

    private static VaultException erasedDuringPut(BucketFile file, String messageId, Throwable cause) {
        return new VaultException("content bucket " + file.id() + " was erased during the put of message " + messageId,
                cause);
    }

    private boolean strippedMeanwhile(BucketFile file, VaultHandle handle, ThreadScratch s) {
        try {
            return readRecord(file, handle, s, false).state() != RecordHeader.LIVE;
        } catch (IOException e) {
            return file.retired();
        }
    }

    private byte[] noncePrefix() {
        byte[] prefix = new byte[4];
        random.nextBytes(prefix);
        return prefix;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("content vault " + contentDir + " is closed");
        }
    }

    private static byte[] utf8(String value, String name) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0 || bytes.length > RecordHeader.MAX_ID_LENGTH) {
            throw new IllegalArgumentException(name + " must be 1..255 UTF-8 bytes, was " + bytes.length);
        }
        return bytes;
    }

    private static void deleteIfEmpty(Path dir) throws IOException {
        if (Files.isDirectory(dir) && entries(dir).isEmpty()) {
            DurableFiles.deleteDurably(dir);
        }
    }

    private static List<String> entries(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private record Pending(BucketId bucket, RecordHeader header) {
    }
}
