package dev.ebb.gateway.http.api;

import dev.ebb.metadata.FileSync;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The answers remembered for {@code Idempotency-Key}s, per customer, for {@link #WINDOW}, across restarts.
 *
 * <p>Each remembered answer is appended to the file of the hour it was made in ({@code <epoch hour>.keys} in its
 * folder), as a length-prefixed, CRC-32C-checked entry, and kept in memory; at start the files of the last
 * {@link #WINDOW} are read back (a torn last entry, cut by a crash, is cut off). An hour's file is deleted whole once
 * its newest entry is over {@link #WINDOW} old, so expiry costs a file delete, not a rewrite. Appends go to the page
 * cache, which survives {@code kill -9}; {@link #force()} is one of the group commit's forces, so in
 * {@code durability: fsync} an answer is on the device before it leaves.
 *
 * <p>No content and no number: an entry holds the SHA-256 of the customer's id and key (the key itself is the
 * client's text), the SHA-256 of the request's canonical body, and the answer, which names message ids, segments, the
 * encoding or a refusal's problem (masked numbers at most, as in logs). Bounded: at most {@value #MAX_KEYS} keys and
 * {@value #MAX_ANSWER_BYTES} bytes of answers in memory; past either, the oldest are forgotten before their 24 h
 * ({@code ebb_idempotency_keys_dropped_total}), so a retry of those would send again.
 *
 * <p>Thread-safe: every method holds the store's lock.
 */
public final class IdempotencyStore implements AutoCloseable, MeterBinder {
    /** How long an answer is remembered. */
    public static final Duration WINDOW = Duration.ofHours(24);
    static final int MAX_KEYS = 200_000;
    static final long MAX_ANSWER_BYTES = 64L * 1024 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(IdempotencyStore.class);
    private static final String SUFFIX = ".keys";
    private static final int VERSION = 1;
    private static final long HOUR_MILLIS = Duration.ofHours(1).toMillis();
    /** An entry's fixed part: version, time, two hashes, status. */
    private static final int ENTRY_OVERHEAD = 1 + 8 + 32 + 32 + 2;

    private final Path dir;
    private final Clock clock;
    private final FileSync sync;
    private final LinkedHashMap<Key, Entry> remembered = new LinkedHashMap<>();
    /** Keys whose first request is being answered, with the hash of its body. */
    private final Map<Key, byte[]> inProgress = new HashMap<>();
    private long answerBytes;
    private long dropped;
    private FileChannel file;
    private long fileHour = Long.MIN_VALUE;

    private IdempotencyStore(Path dir, Clock clock, FileSync sync) {
        this.dir = dir;
        this.clock = clock;
        this.sync = sync;
    }

    /**
     * Opens the store in {@code dir} (made if missing), reading back the answers of the last {@link #WINDOW} and
     * deleting the files past it.
     */
    public static IdempotencyStore open(Path dir, Clock clock) {
        return open(dir, clock, FileSync.FSYNC);
    }

    /** {@link #open(Path, Clock)}, each {@link #force} through {@code sync}, as the vault's and the queue's are. */
    public static IdempotencyStore open(Path dir, Clock clock, FileSync sync) {
        IdempotencyStore store = new IdempotencyStore(dir, clock, sync);
        try {
            Files.createDirectories(dir);
            store.load();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the idempotency keys in " + dir, e);
        }
        return store;
    }

    /**
     * An answer as remembered.
     *
     * @param status      HTTP status
     * @param contentType its Content-Type
     * @param location    its Location header, or null
     * @param body        its body
     */
    record Remembered(int status, String contentType, String location, byte[] body) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Remembered r && status == r.status && contentType.equals(r.contentType)
                    && Objects.equals(location, r.location) && Arrays.equals(body, r.body);
        }

        @Override
        public int hashCode() {
            return 31 * status + Arrays.hashCode(body);
        }

        @Override
        public String toString() {
            return "Remembered[" + status + ", " + body.length + " bytes]";
        }
    }

    /** What a request with a key is to do. */
    sealed interface Claim permits Fresh, Replay, Reused, InProgress {
    }

    /** The key is new: answer the request, then {@link #remember} or {@link #release}. */
    record Fresh(Key key, byte[] bodyHash) implements Claim {
    }

    /** The key was answered with the same body: give the same answer. */
    record Replay(Remembered answer) implements Claim {
    }

    /** The key was used with another body. */
    record Reused() implements Claim {
    }

    /** The key's first request is still being answered. */
    record InProgress() implements Claim {
    }

    /** A customer's key, as a hash of both: the key is the client's text, and is kept no more than the body. */
    record Key(long a, long b, long c, long d) {
        static Key of(String customerId, String key) {
            // Customer ids are printable ASCII: a newline cannot be part of one, so no two pairs give one text.
            ByteBuffer h = ByteBuffer.wrap(sha256().digest((customerId + "\n" + key).getBytes(StandardCharsets.UTF_8)));
            return new Key(h.getLong(), h.getLong(), h.getLong(), h.getLong());
        }

        void writeTo(DataOutputStream out) throws IOException {
            out.writeLong(a);
            out.writeLong(b);
            out.writeLong(c);
            out.writeLong(d);
        }
    }

    private record Entry(long createdAt, byte[] bodyHash, Remembered answer) {
        long bytes() {
            return ENTRY_OVERHEAD + answer.body().length;
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    /** Claims {@code key} of {@code customerId} for a request whose canonical body hashes to {@code bodyHash}. */
    synchronized Claim claim(String customerId, String key, byte[] bodyHash) {
        expire(clock.millis());
        Key k = Key.of(customerId, key);
        Entry done = remembered.get(k);
        if (done != null) {
            return Arrays.equals(done.bodyHash(), bodyHash) ? new Replay(done.answer()) : new Reused();
        }
        byte[] running = inProgress.get(k);
        if (running != null) {
            return Arrays.equals(running, bodyHash) ? new InProgress() : new Reused();
        }
        inProgress.put(k, bodyHash);
        return new Fresh(k, bodyHash);
    }

    /**
     * Remembers the answer of a fresh claim, in memory and appended to the hour's file.
     *
     * @throws UncheckedIOException if the file could not be written (the answer is remembered in memory still)
     */
    synchronized void remember(Fresh claim, Remembered answer) {
        long now = clock.millis();
        inProgress.remove(claim.key());
        add(claim.key(), new Entry(now, claim.bodyHash(), answer));
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(ENTRY_OVERHEAD + 64 + answer.body().length);
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeByte(VERSION);
                out.writeLong(now);
                claim.key().writeTo(out);
                out.write(claim.bodyHash());
                out.writeShort(answer.status());
                out.writeUTF(answer.contentType());
                out.writeUTF(answer.location() == null ? "" : answer.location());
                out.writeInt(answer.body().length);
                out.write(answer.body());
            }
            byte[] payload = bytes.toByteArray();
            CRC32C crc = new CRC32C();
            crc.update(payload);
            ByteBuffer framed = ByteBuffer.allocate(4 + payload.length + 4).putInt(payload.length).put(payload)
                    .putInt((int) crc.getValue()).flip();
            FileChannel out = fileFor(now);
            while (framed.hasRemaining()) {
                out.write(framed);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append an idempotency key to " + dir, e);
        }
    }

    /** Gives up a fresh claim whose answer is not remembered (a 429, 503 or 500: the client should retry). */
    synchronized void release(Fresh claim) {
        inProgress.remove(claim.key());
    }

    /** Forces the current hour's file to the device (the group commit's business). */
    public synchronized void force() {
        if (file != null) {
            try {
                sync.force(file, currentFile());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot force the idempotency keys in " + dir, e);
            }
        }
    }

    /** Keys remembered now. */
    synchronized int size() {
        return remembered.size();
    }

    private synchronized long droppedCount() {
        return dropped;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("ebb.idempotency.keys", this, IdempotencyStore::size)
                .description("Idempotency-Keys whose answers are remembered (24 h)").register(registry);
        FunctionCounter.builder("ebb.idempotency.keys.dropped", this, IdempotencyStore::droppedCount)
                .description("Idempotency-Keys forgotten before their 24 h, to stay within the store's bounds")
                .register(registry);
    }

    @Override
    public synchronized void close() {
        if (file != null) {
            try {
                file.close();
            } catch (IOException e) {
                LOG.warn("closing the idempotency keys in {} failed: {}", dir, e.getClass().getSimpleName());
            }
            file = null;
        }
    }

    private void add(Key key, Entry entry) {
        Entry before = remembered.put(key, entry);
        if (before != null) {
            answerBytes -= before.bytes();
        }
        answerBytes += entry.bytes();
        while (remembered.size() > MAX_KEYS || answerBytes > MAX_ANSWER_BYTES) {
            removeEldest();
            dropped++;
        }
    }

    private void expire(long now) {
        long oldest = now - WINDOW.toMillis();
        while (!remembered.isEmpty() && remembered.values().iterator().next().createdAt() <= oldest) {
            removeEldest();
        }
    }

    private void removeEldest() {
        Iterator<Entry> it = remembered.values().iterator();
        answerBytes -= it.next().bytes();
        it.remove();
    }

    private FileChannel fileFor(long now) throws IOException {
        long hour = Math.floorDiv(now, HOUR_MILLIS);
        if (file == null || hour != fileHour) {
            if (file != null) {
                // The group commit forces the current hour's file only: the last hour's entries go down now.
                sync.force(file, currentFile());
            }
            close();
            file = FileChannel.open(dir.resolve(hour + SUFFIX), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            fileHour = hour;
            deleteExpiredFiles(hour);
        }
        return file;
    }

    private Path currentFile() {
        return dir.resolve(fileHour + SUFFIX);
    }

    /** The files by hour, oldest first. */
    private TreeMap<Long, Path> files() throws IOException {
        TreeMap<Long, Path> byHour = new TreeMap<>();
        try (Stream<Path> list = Files.list(dir)) {
            for (Path p : list.toList()) {
                String name = p.getFileName().toString();
                if (name.endsWith(SUFFIX)) {
                    try {
                        byHour.put(Long.parseLong(name.substring(0, name.length() - SUFFIX.length())), p);
                    } catch (NumberFormatException e) {
                        LOG.warn("{} is no file of the idempotency keys; left as it is", p);
                    }
                }
            }
        }
        return byHour;
    }

    /** Deletes the files of hours whose every entry is over the window old. */
    private void deleteExpiredFiles(long currentHour) throws IOException {
        long lastExpired = currentHour - WINDOW.toMillis() / HOUR_MILLIS - 1;
        for (Path p : files().headMap(lastExpired, true).values()) {
            Files.deleteIfExists(p);
        }
    }

    private void load() throws IOException {
        long now = clock.millis();
        deleteExpiredFiles(Math.floorDiv(now, HOUR_MILLIS));
        for (Map.Entry<Long, Path> f : files().entrySet()) {
            byte[] bytes = Files.readAllBytes(f.getValue());
            int good = read(bytes, now);
            if (good < bytes.length) {
                // A crash cut the last append short: drop it, so the next append starts on an entry's boundary.
                LOG.warn("idempotency keys {}: the last {} bytes are a torn entry; cut off", f.getValue(),
                        bytes.length - good);
                try (FileChannel c = FileChannel.open(f.getValue(), StandardOpenOption.WRITE)) {
                    c.truncate(good);
                }
            }
        }
        expire(now);
    }

    /** Reads the entries of one file into memory; returns the length of its whole entries. */
    private int read(byte[] bytes, long now) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        while (in.remaining() >= 4) {
            int start = in.position();
            int length = in.getInt();
            if (length < ENTRY_OVERHEAD || length > in.remaining() - 4) {
                return start;
            }
            byte[] payload = new byte[length];
            in.get(payload);
            CRC32C crc = new CRC32C();
            crc.update(payload);
            if (in.getInt() != (int) crc.getValue()) {
                return start;
            }
            DataInputStream entry = new DataInputStream(new ByteArrayInputStream(payload));
            if (entry.readUnsignedByte() != VERSION) {
                throw new IOException("idempotency key entry of an unknown version");
            }
            long createdAt = entry.readLong();
            Key key = new Key(entry.readLong(), entry.readLong(), entry.readLong(), entry.readLong());
            byte[] bodyHash = entry.readNBytes(32);
            int status = entry.readUnsignedShort();
            String contentType = entry.readUTF();
            String location = entry.readUTF();
            byte[] body = entry.readNBytes(entry.readInt());
            if (createdAt > now - WINDOW.toMillis()) {
                add(key, new Entry(createdAt, bodyHash, new Remembered(status, contentType,
                        location.isEmpty() ? null : location, body)));
            }
        }
        return in.position();
    }

    @Override
    public String toString() {
        return "IdempotencyStore[" + dir + "]";
    }
}
