package dev.ebb.gateway.privacy;

import dev.ebb.metadata.DurableFiles;
import dev.ebb.metadata.OwnerOnlyFiles;
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
 * <p>Thread-safe: lookups are lock-free, changes are serialised (they are rare: one per customer and bucket).
 */
public final class KeyRing {
    static final String MARKER_FILE = "KEYSTORE";
    private static final int MARKER_MAGIC = 0x45424253;
    private static final String KEY_SUFFIX = ".key";
    private static final String AES = "AES";

    private final Path directory;
    private final SecureRandom random = new SecureRandom();
    private final Map<BucketId, SecretKey> live = new ConcurrentHashMap<>();
    private final Set<BucketId> destroyed = ConcurrentHashMap.newKeySet();
    private volatile byte[] storeId;

    private KeyRing(Path directory, byte[] storeId) {
        this.directory = directory;
        this.storeId = storeId;
    }

    /**
     * Opens the key store in {@code directory}. A missing or empty directory gives an empty, not yet initialised key
     * ring; {@link ContentVault#open} initialises it for a new vault and refuses it for an existing one.
     *
     * @throws KeyStoreCorruptedException if the directory holds anything that is not a valid key store
     */
    public static KeyRing open(Path directory) {
        try {
            if (!Files.exists(directory) || isEmptyDirectory(directory)) {
                return new KeyRing(directory, null);
            }
            if (!Files.isDirectory(directory)) {
                throw new KeyStoreCorruptedException(directory, "a file where the key store directory should be");
            }
            Path markerFile = directory.resolve(MARKER_FILE);
            Optional<StoreMarker> marker = StoreMarker.read(markerFile, MARKER_MAGIC, true);
            if (marker.isEmpty()) {
                throw new KeyStoreCorruptedException(markerFile, "missing, but the directory holds " + listing(directory));
            }
            KeyRing ring = new KeyRing(directory, marker.get().keyStoreId());
            ring.load();
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
            DurableFiles.replaceOwnerOnly(keyPath(bucket), KeyFile.live(bucket, bytes).encode());
            SecretKey key = new SecretKeySpec(bytes, AES);
            destroyed.remove(bucket);
            live.put(bucket, key);
            return key;
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** Destroys the bucket's key durably: its file is overwritten in place by a tombstone and fsynced. */
    synchronized void destroy(BucketId bucket) throws IOException {
        Path path = keyPath(bucket);
        live.remove(bucket);
        if (Files.exists(path)) {
            DurableFiles.overwriteInPlace(path, KeyFile.tombstone(bucket).encode());
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

    private void load() throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.equals(MARKER_FILE)) {
                    continue;
                }
                if (name.equals(MARKER_FILE + ".tmp")) {
                    Files.delete(entry);
                } else if (Files.isDirectory(entry) && name.matches("([0-9a-f]{2})+")) {
                    loadCustomer(entry);
                } else {
                    throw new KeyStoreCorruptedException(entry, "unexpected entry in the key store");
                }
            }
        }
    }

    private void loadCustomer(Path customerDir) throws IOException {
        String customerId = BucketId.customerFromFileName(customerDir.getFileName().toString());
        try (DirectoryStream<Path> files = Files.newDirectoryStream(customerDir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.matches("-?[0-9]+\\" + KEY_SUFFIX + "\\.tmp")) {
                    // A key whose creation a crash interrupted: never renamed, so nothing was encrypted with it.
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
                if (keyFile.live()) {
                    live.put(expected, new SecretKeySpec(keyFile.key(), AES));
                    Arrays.fill(keyFile.key(), (byte) 0);
                } else {
                    destroyed.add(expected);
                }
            }
        }
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
