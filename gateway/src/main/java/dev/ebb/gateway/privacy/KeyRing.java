package dev.ebb.gateway.privacy;

import dev.ebb.metadata.DurableFiles;
import dev.ebb.metadata.KeyWrapper;
import dev.ebb.metadata.OwnerOnlyFiles;
import dev.ebb.metadata.WrappedKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AES-256 keys, one per (customer, time bucket), for crypto-shredding content (DESIGN.md invariant 2).
 *
 * <p>The key store is a directory of its own, apart from the content files:
 * <pre>
 * keyStoreDir/
 *   KEYSTORE                         identity: random 16-byte store id, checksummed
 *   &lt;hex(customerId)&gt;/&lt;bucketStartEpochMillis&gt;.key   one key, checksummed (see {@link KeyFile})
 * </pre>
 * Directories are 0700 and files 0600, and a key file others can read stops {@link #open} with
 * {@link dev.ebb.metadata.UnprotectedKeyFileException}. It holds the <em>only</em> copy of the keys and must be kept
 * out of backups: a backed-up key would make backed-up
 * content readable after its 72 h. Losing it loses all live content, which is why a missing or corrupted key store is a
 * start-up error ({@link KeyStoreMissingException}, {@link KeyStoreCorruptedException}), never a silent reset.
 *
 * <p>A new key is fsynced before any content is encrypted with it. Destroying a key overwrites its file in place with
 * a tombstone (zeroed key bytes, fsynced), so on file systems that update in place the key bytes are gone from the
 * device; the tombstone is removed once the bucket's content files are deleted, which lets a restart finish an
 * expiry that a crash interrupted. A process-wide view: several vaults must not share one key store directory.
 *
 * <p>With a key-encryption key ({@link KeyWrapper}) each key is stored wrapped under it, bound to its store id and
 * bucket (a wrapped key opens as no other bucket's); keys found in clear are wrapped when the store opens, each file
 * replaced whole and the clear bytes overwritten. Destroying a wrapped key overwrites the wrapped copy, the only one:
 * the KEK then opens nothing.
 *
 * <p>Thread-safe: lookups are lock-free, changes are serialised (they are rare: one per customer and bucket).
 */
public final class KeyRing {
    static final String MARKER_FILE = "KEYSTORE";
    private static final int MARKER_MAGIC = 0x45424253;
    private static final String KEY_SUFFIX = ".key";
    private static final String AES = "AES";

    private static final Logger LOG = LoggerFactory.getLogger(KeyRing.class);

    private final Path directory;
    private final KeyWrapper kek;
    private final SecureRandom random = new SecureRandom();
    private final Map<BucketId, SecretKey> live = new ConcurrentHashMap<>();
    private final Set<BucketId> destroyed = ConcurrentHashMap.newKeySet();
    private volatile byte[] storeId;

    private KeyRing(Path directory, KeyWrapper kek, byte[] storeId) {
        this.directory = directory;
        this.kek = kek;
        this.storeId = storeId;
    }

    /** {@link #open(Path, KeyWrapper)} with the keys in clear. */
    public static KeyRing open(Path directory) {
        return open(directory, null);
    }

    /**
     * Opens the key store in {@code directory}. A missing or empty directory gives an empty, not yet initialised key
     * ring; {@link ContentVault#open} initialises it for a new vault and refuses it for an existing one.
     *
     * @param kek the key-encryption key the keys are wrapped under, or null to keep them in clear
     * @throws KeyStoreCorruptedException if the directory holds anything that is not a valid key store
     * @throws dev.ebb.metadata.KeyUnwrapException if a key is wrapped and {@code kek} is null or not the KEK it was wrapped under
     */
    public static KeyRing open(Path directory, KeyWrapper kek) {
        try {
            if (!Files.exists(directory) || isEmptyDirectory(directory)) {
                return new KeyRing(directory, kek, null);
            }
            if (!Files.isDirectory(directory)) {
                throw new KeyStoreCorruptedException(directory, "a file where the key store directory should be");
            }
            Path markerFile = directory.resolve(MARKER_FILE);
            Optional<StoreMarker> marker = StoreMarker.read(markerFile, MARKER_MAGIC, true);
            if (marker.isEmpty()) {
                throw new KeyStoreCorruptedException(markerFile, "missing, but the directory holds " + listing(directory));
            }
            KeyRing ring = new KeyRing(directory, kek, marker.get().keyStoreId());
            int wrapped = ring.load();
            if (wrapped > 0) {
                LOG.warn("content key store {}: wrapped {} bucket key(s) kept in clear until now under the "
                        + "key-encryption key {}", directory.toAbsolutePath(), wrapped, kek.describe());
            }
            return ring;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read key store " + directory, e);
        }
    }

    /** The key store directory (keep it out of backups). */
    public Path directory() {
        return directory;
    }

    /** Whether a live key exists for the customer's bucket starting at {@code bucket}. */
    public boolean hasKey(String customerId, Instant bucket) {
        return live.containsKey(new BucketId(customerId, bucket.toEpochMilli()));
    }

    /** Number of live keys. */
    public int liveKeyCount() {
        return live.size();
    }

    boolean initialised() {
        return storeId != null;
    }

    byte[] storeId() {
        return storeId.clone();
    }

    /** Gives a new, empty key store its identity. */
    synchronized void initialise() throws IOException {
        if (storeId != null) {
            return;
        }
        byte[] id = new byte[StoreMarker.ID_LENGTH];
        random.nextBytes(id);
        DurableFiles.createDirectoriesDurably(directory);
        new StoreMarker(id, 0).write(directory.resolve(MARKER_FILE), MARKER_MAGIC);
        storeId = id;
    }

    /** The live key of a bucket, or {@code null} if there is none (never created, destroyed or erased). */
    SecretKey key(BucketId bucket) {
        return live.get(bucket);
    }

    /** Returns the bucket's live key, creating it (durably, before it is returned) if there is none. */
    synchronized SecretKey getOrCreate(BucketId bucket) throws IOException {
        SecretKey existing = live.get(bucket);
        if (existing != null) {
            return existing;
        }
        byte[] bytes = new byte[KeyFile.KEY_LENGTH];
        random.nextBytes(bytes);
        try {
            DurableFiles.createDirectoriesDurably(keyPath(bucket).getParent());
            DurableFiles.replaceOwnerOnly(keyPath(bucket), keyFile(bucket, bytes).encode());
            SecretKey key = new SecretKeySpec(bytes, AES);
            destroyed.remove(bucket);
            live.put(bucket, key);
            return key;
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /**
     * Destroys the bucket's key durably: its file (the key in clear, or the wrapped copy) is overwritten in place by a
     * tombstone of the same length and fsynced.
     */
    synchronized void destroy(BucketId bucket) throws IOException {
        Path path = keyPath(bucket);
        live.remove(bucket);
        if (Files.exists(path)) {
            byte[] stored = Files.readAllBytes(path);
            DurableFiles.overwriteInPlace(path, KeyFile.decode(path, stored).tombstone().encode());
        }
        destroyed.add(bucket);
    }

    /** Removes a destroyed key's tombstone, once nothing encrypted under it is left on disk. */
    synchronized void forget(BucketId bucket) throws IOException {
        if (live.containsKey(bucket)) {
            throw new IllegalStateException("key of " + bucket + " is live; destroy it first");
        }
        Path path = keyPath(bucket);
        DurableFiles.deleteDurably(path);
        destroyed.remove(bucket);
        Path customerDir = path.getParent();
        if (Files.isDirectory(customerDir) && isEmptyDirectory(customerDir)) {
            DurableFiles.deleteDurably(customerDir);
        }
    }

    boolean isDestroyed(BucketId bucket) {
        return destroyed.contains(bucket);
    }

    List<BucketId> liveBuckets() {
        return List.copyOf(live.keySet());
    }

    List<BucketId> destroyedBuckets() {
        return List.copyOf(destroyed);
    }

    Path keyPath(BucketId bucket) {
        return directory.resolve(bucket.customerFileName()).resolve(bucket.startMillis() + KEY_SUFFIX);
    }

    /** The file of a new key: wrapped under the KEK if there is one. */
    private KeyFile keyFile(BucketId bucket, byte[] key) {
        return kek == null ? KeyFile.live(bucket, key) : KeyFile.wrapped(bucket, kek.wrap(key, purpose(bucket)));
    }

    /** What a bucket's wrapped key is bound to: this key store and the bucket, so it opens as no other key. */
    private String purpose(BucketId bucket) {
        return "ebb content key " + StoreMarker.hex(storeId) + " " + bucket.customerFileName() + " "
                + bucket.startMillis();
    }

    /** Loads every key; returns how many were found in clear and wrapped now. */
    private int load() throws IOException {
        int wrapped = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.equals(MARKER_FILE)) {
                    continue;
                }
                if (name.equals(MARKER_FILE + ".tmp")) {
                    Files.delete(entry);
                } else if (Files.isDirectory(entry) && name.matches("([0-9a-f]{2})+")) {
                    wrapped += loadCustomer(entry);
                } else {
                    throw new KeyStoreCorruptedException(entry, "unexpected entry in the key store");
                }
            }
        }
        return wrapped;
    }

    private int loadCustomer(Path customerDir) throws IOException {
        int wrapped = 0;
        String customerId = BucketId.customerFromFileName(customerDir.getFileName().toString());
        try (DirectoryStream<Path> files = Files.newDirectoryStream(customerDir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.matches("-?[0-9]+\\" + KEY_SUFFIX + "\\.tmp")) {
                    // A key whose creation a crash interrupted: never renamed, so nothing was encrypted with it. Or
                    // the wrapped form of a key whose wrapping a crash interrupted: the key is still in its file.
                    DurableFiles.shredAndDelete(file);
                    continue;
                }
                if (!name.matches("-?[0-9]+\\" + KEY_SUFFIX)) {
                    throw new KeyStoreCorruptedException(file, "unexpected entry in the key store");
                }
                OwnerOnlyFiles.requireOwnerOnly(file);
                KeyFile keyFile = KeyFile.decode(file, Files.readAllBytes(file));
                BucketId expected = new BucketId(customerId,
                        Long.parseLong(name.substring(0, name.length() - KEY_SUFFIX.length())));
                if (!keyFile.bucket().equals(expected)) {
                    throw new KeyStoreCorruptedException(file, "holds the key of " + keyFile.bucket()
                            + " but its name says " + expected);
                }
                if (!keyFile.live()) {
                    destroyed.add(expected);
                    continue;
                }
                byte[] key = keyFile.wrapped() ? unwrap(file, keyFile) : keyFile.key();
                if (!keyFile.wrapped() && kek != null) {
                    DurableFiles.replaceShredding(file, keyFile(expected, key).encode());
                    wrapped++;
                }
                live.put(expected, new SecretKeySpec(key, AES));
                Arrays.fill(key, (byte) 0);
            }
        }
        return wrapped;
    }

    private byte[] unwrap(Path file, KeyFile keyFile) {
        byte[] key = WrappedKeys.open(kek, keyFile.key(), purpose(keyFile.bucket()),
                "content key store " + directory.toAbsolutePath(), file);
        if (key.length != KeyFile.KEY_LENGTH) {
            throw new KeyStoreCorruptedException(file, "a wrapped key of " + key.length + " bytes");
        }
        return key;
    }

    private static boolean isEmptyDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    private static String listing(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            List<String> names = entries.map(p -> p.getFileName().toString()).sorted().limit(5).toList();
            return names.isEmpty() ? "nothing" : names.toString();
        }
    }
}
