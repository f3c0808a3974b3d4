package dev.ebb.gateway.compliance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebb.metadata.DurableFiles;
import dev.ebb.metadata.OwnerOnlyFiles;
import dev.ebb.metadata.Sha256;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compliance audit trail (DESIGN invariant 5): an append-only file of JSON lines, each
 * {@code {"hash":"<hex>","entry":{…}}} where the entry holds its sequence number, time, the previous entry's hash and
 * the event, and {@code hash} is SHA-256 over the entry's bytes exactly as written. Changing, removing or reordering
 * any entry breaks the chain at that entry, which {@link #verify()} reports. Every append is forced to disk before it
 * returns, so an action audited as accepted was on disk before it ran.
 *
 * <p>Thread-safe: appends are serialised.
 */
public final class AuditLog implements AutoCloseable, MeterBinder {
    /** The previous hash of the first entry. */
    public static final String GENESIS = "0".repeat(64);
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    private static final byte[] PREFIX = "{\"hash\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MIDDLE = "\",\"entry\":".getBytes(StandardCharsets.US_ASCII);
    private static final int BODY_OFFSET = PREFIX.length + 64 + MIDDLE.length;

    private final Path file;
    private final Clock clock;
    private final ObjectMapper json = Json.mapper();
    private final FileChannel channel;
    private long nextSequence;
    private String lastHash;
    private volatile Consumer<AuditEvent> appended = e -> { };
    /** The file's length: what was there at open, and each entry appended since. */
    private volatile long bytes;
    /** Whether the last check of the chain passed: {@link #open} checked it, {@link #verify()} checks it again. */
    private volatile boolean verified = true;

    private AuditLog(Path file, Clock clock, FileChannel channel, long nextSequence, String lastHash, long bytes) {
        this.file = file;
        this.clock = clock;
        this.channel = channel;
        this.nextSequence = nextSequence;
        this.lastHash = lastHash;
        this.bytes = bytes;
    }

    /**
     * Opens (creating if needed) the log in {@code file}. An existing log is verified first. A last line cut short by
     * a crash during its write is dropped: its append never returned, so the action it describes never ran.
     *
     * @throws AuditLogException if the log cannot be read or written, or its chain is broken (queries must not run
     *                           on a log that has been tampered with; the message says where)
     */
    public static AuditLog open(Path file, Clock clock) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            // Entries name officers, cases and selectors: the log is the owner's only (0600 in a 0700 directory).
            OwnerOnlyFiles.createDirectories(dir);
            boolean created = !Files.exists(file);
            FileChannel channel = OwnerOnlyFiles.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            if (created) {
                syncDirectory(dir);
            }
            Scan scan = scan(file);
            if (scan.problem != null && !scan.tornTail) {
                channel.close();
                throw new AuditLogException("audit log " + file + " is broken at line " + scan.problem.line() + ": "
                        + scan.problem.detail());
            }
            if (scan.tornTail) {
                LOG.warn("audit log: dropping a last entry cut short at byte {} (a crash during its write; the action"
                        + " it describes never ran)", scan.goodLength);
                channel.truncate(scan.goodLength);
                channel.force(true);
            }
            channel.position(scan.goodLength);
            return new AuditLog(file, clock, channel, scan.entries, scan.lastHash, scan.goodLength);
        } catch (IOException e) {
            throw new AuditLogException("audit log " + file + " cannot be opened: " + e.getMessage(), e);
        }
    }

    /**
     * Appends an event and forces it to disk.
     *
     * @return the entry as written
     * @throws AuditLogException if it could not be written durably (the caller must then not run the action)
     */
    public synchronized AuditEntry append(AuditEvent event) {
        if (!channel.isOpen()) {
            throw new AuditLogException("audit log " + file + " is closed");
        }
        Instant time = clock.instant();
        Body body = new Body(nextSequence, time, lastHash, event);
        byte[] bodyBytes;
        try {
            bodyBytes = json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new AuditLogException("audit entry cannot be serialised", e);
        }
        String hash = HexFormat.of().formatHex(Sha256.of(bodyBytes));
        ByteBuffer line = ByteBuffer.allocate(BODY_OFFSET + bodyBytes.length + 2).put(PREFIX)
                .put(hash.getBytes(StandardCharsets.US_ASCII)).put(MIDDLE).put(bodyBytes).put((byte) '}')
                .put((byte) '\n').flip();
        long start;
        try {
            start = channel.position();
        } catch (IOException e) {
            throw new AuditLogException("audit log " + file + " cannot be written: " + e.getMessage(), e);
        }
        try {
            while (line.hasRemaining()) {
                channel.write(line);
            }
            channel.force(false);
        } catch (IOException e) {
            // A full disk can take half a line: cut it off, or the next entry would follow it and break the chain
            // for good (open accepts only a torn last line).
            try {
                channel.truncate(start);
                channel.position(start);
            } catch (IOException truncateFailed) {
                e.addSuppressed(truncateFailed);
            }
            throw new AuditLogException("audit log " + file + " cannot be written: " + e.getMessage(), e);
        }
        AuditEntry entry = new AuditEntry(nextSequence, time, lastHash, event, hash);
        bytes = start + line.limit();
        nextSequence++;
        lastHash = hash;
        appended.accept(event);
        LOG.debug("audit entry {} at byte {}: {} {} {}", entry.sequence(), start, event.action(), event.outcome(),
                event.tokenId());
        return entry;
    }

    /**
     * Entries from {@code fromSequence} on, at most {@code limit}, read back from the file.
     *
     * @throws AuditLogException if the file cannot be read or an entry cannot be parsed
     */
    public List<AuditEntry> read(long fromSequence, int limit) {
        return read(fromSequence, limit, e -> true);
    }

    /**
     * Entries from {@code fromSequence} on whose event {@code matches}, at most {@code limit}, read back from the file.
     *
     * @throws AuditLogException if the file cannot be read or an entry cannot be parsed
     */
    public List<AuditEntry> read(long fromSequence, int limit, Predicate<AuditEvent> matches) {
        List<AuditEntry> out = new ArrayList<>();
        scanLines(fromSequence, limit, matches, out::add);
        return out;
    }

    /**
     * Every entry, oldest first, in one pass over the file: how state kept only in the log is rebuilt.
     *
     * @throws AuditLogException if the file cannot be read or an entry cannot be parsed
     */
    public void forEach(Consumer<AuditEntry> sink) {
        scanLines(0, Long.MAX_VALUE, e -> true, sink);
    }

    private void scanLines(long fromSequence, long limit, Predicate<AuditEvent> matches, Consumer<AuditEntry> sink) {
        byte[] all = readAll(file);
        int start = 0;
        long sequence = 0;
        long emitted = 0;
        while (start < all.length && emitted < limit) {
            int end = indexOf(all, (byte) '\n', start);
            if (end < 0) {
                break;
            }
            if (sequence >= fromSequence) {
                AuditEntry entry = parse(Arrays.copyOfRange(all, start, end));
                if (matches.test(entry.event())) {
                    sink.accept(entry);
                    emitted++;
                }
            }
            sequence++;
            start = end + 1;
        }
    }

    /** Tells {@code listener} of every event once it is durable (metrics count requests by action and outcome). */
    public void onAppend(Consumer<AuditEvent> listener) {
        this.appended = listener;
    }

    /** Number of entries appended so far. */
    public synchronized long size() {
        return nextSequence;
    }

    /** Re-reads the whole file and checks every entry's hash and link; reports the first broken entry. */
    public AuditVerifyReport verify() {
        AuditVerifyReport report = verify(file);
        verified = report.ok();
        return report;
    }

    /** False once {@link #close()}d: appends fail. */
    public boolean isOpen() {
        return channel.isOpen();
    }

    /** The log's size in bytes (no file is read). */
    public long bytes() {
        return bytes;
    }

    /** Whether the last check of the chain (at open, or {@link #verify()} since) found it whole. */
    public boolean lastVerifyOk() {
        return verified;
    }

    /** The log's size, and whether its last check passed ({@code ebb_compliance_audit_verified}, 1 or 0). */
    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("ebb.compliance.audit.bytes", this, AuditLog::bytes).baseUnit("bytes")
                .description("size of the compliance audit log").register(registry);
        Gauge.builder("ebb.compliance.audit.verified", this, a -> a.lastVerifyOk() ? 1 : 0)
                .description("1 while the audit log's last chain check (at start, or GET /v1/audit/verify) passed,"
                        + " 0 once one failed").register(registry);
    }

    /** Checks the log in {@code file} without opening it for writing (offline use). */
    public static AuditVerifyReport verify(Path file) {
        Scan scan = scan(file);
        return new AuditVerifyReport(scan.entries, scan.lastHash, Optional.ofNullable(scan.problem));
    }

    /** Closes the file; appends fail afterwards. Idempotent. */
    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new AuditLogException("audit log " + file + " cannot be closed: " + e.getMessage(), e);
        }
    }

    private AuditEntry parse(byte[] line) {
        try {
            String hash = new String(line, PREFIX.length, 64, StandardCharsets.US_ASCII);
            Body body = json.readValue(line, BODY_OFFSET, line.length - BODY_OFFSET - 1, Body.class);
            return new AuditEntry(body.seq(), body.time(), body.prev(), body.event(), hash);
        } catch (IOException | IndexOutOfBoundsException e) {
            throw new AuditLogException("audit log " + file + " has an unreadable entry", e);
        }
    }

    private static Scan scan(Path file) {
        byte[] all = Files.exists(file) ? readAll(file) : new byte[0];
        ObjectMapper json = Json.mapper();
        Scan scan = new Scan();
        int start = 0;
        long lineNo = 1;
        while (start < all.length) {
            int end = indexOf(all, (byte) '\n', start);
            if (end < 0) {
                scan.problem = new AuditVerifyReport.Problem(lineNo, start, "last entry is cut short (no line end)");
                scan.tornTail = true;
                return scan;
            }
            String detail = check(json, all, start, end, scan.entries, scan.lastHash);
            if (detail != null) {
                scan.problem = new AuditVerifyReport.Problem(lineNo, start, detail);
                return scan;
            }
            scan.lastHash = new String(all, start + PREFIX.length, 64, StandardCharsets.US_ASCII);
            scan.entries++;
            scan.goodLength = end + 1;
            start = end + 1;
            lineNo++;
        }
        return scan;
    }

    /** Null if the line at {@code [start, end)} is entry {@code sequence} chained to {@code previous}. */
    private static String check(ObjectMapper json, byte[] all, int start, int end, long sequence, String previous) {
        int length = end - start;
        if (length < BODY_OFFSET + 3 || !regionEquals(all, start, PREFIX)
                || !regionEquals(all, start + PREFIX.length + 64, MIDDLE) || all[end - 1] != '}') {
            return "not an audit entry line";
        }
        String stored = new String(all, start + PREFIX.length, 64, StandardCharsets.US_ASCII);
        MessageDigest sha = Sha256.digest();
        sha.update(all, start + BODY_OFFSET, length - BODY_OFFSET - 1);
        if (!stored.equals(HexFormat.of().formatHex(sha.digest()))) {
            return "hash does not match the entry (entry or hash changed)";
        }
        Body body;
        try {
            body = json.readValue(all, start + BODY_OFFSET, length - BODY_OFFSET - 1, Body.class);
        } catch (IOException e) {
            return "entry is not valid JSON";
        }
        if (body.seq() != sequence) {
            return "sequence " + body.seq() + " where " + sequence + " was expected (entry removed or reordered)";
        }
        if (!previous.equals(body.prev())) {
            return "previous hash does not match the entry before it (entry removed, inserted or reordered)";
        }
        return null;
    }

    private static byte[] readAll(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new AuditLogException("audit log " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static boolean regionEquals(byte[] all, int at, byte[] expected) {
        return Arrays.equals(all, at, at + expected.length, expected, 0, expected.length);
    }

    private static int indexOf(byte[] all, byte b, int from) {
        for (int i = from; i < all.length; i++) {
            if (all[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** A new file's directory entry must be durable too, or a crash can lose the whole log. */
    private static void syncDirectory(Path dir) {
        try {
            DurableFiles.fsyncDirectory(dir);
        } catch (IOException e) {
            LOG.warn("audit log: cannot fsync directory {}: {}", dir, e.getMessage());
        }
    }

    /** The serialised entry, the bytes the hash covers. */
    record Body(long seq, Instant time, String prev, AuditEvent event) {
    }

    private static final class Scan {
        private long entries;
        private String lastHash = GENESIS;
        private long goodLength;
        private AuditVerifyReport.Problem problem;
        private boolean tornTail;
    }
}
