package dev.ebb.metadata;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The layout of a data directory and the per-day side files:
 * <pre>
 * &lt;dir&gt;/FORMAT                   format marker, checked at open
 * &lt;dir&gt;/queue/yyyyMMddF.cq4      Chronicle Queue day cycles (FAST_DAILY, UTC): the records
 * &lt;dir&gt;/heads/&lt;day&gt;.sth         signed tree heads of the day, appended
 * &lt;dir&gt;/index/&lt;day&gt;.leaves      the day's Merkle leaf hashes, 32 bytes per record, in order
 * &lt;dir&gt;/index/&lt;day&gt;.&lt;n&gt;.idx     sorted index segments of the day
 * &lt;dir&gt;/keys/&lt;day&gt;.key          the day's secret
 * &lt;dir&gt;/checkpoints/&lt;day&gt;.checkpoint  the day's latest C2SP checkpoint with its cosignatures (kept after pruning)
 * </pre>
 */
final class DayFiles {
    /** Format 2: identifiers sealed with AES-SIV (format 1 used an HMAC-based SIV). */
    static final String FORMAT = "ebb-metadata-store format 2";
    private static final DateTimeFormatter CYCLE_NAME = DateTimeFormatter.ofPattern("yyyyMMdd'F'");
    final Path root;
    final Path queue;
    final Path heads;
    final Path index;
    final Path keys;
    final Path checkpoints;

    DayFiles(Path root) {
        this.root = root;
        this.queue = root.resolve("queue");
        this.heads = root.resolve("heads");
        this.index = root.resolve("index");
        this.keys = root.resolve("keys");
        this.checkpoints = root.resolve("checkpoints");
    }

    void create() {
        try {
            for (Path p : List.of(queue, heads, index, checkpoints)) {
                Files.createDirectories(p);
            }
            OwnerOnlyFiles.createDirectories(keys);
        } catch (IOException e) {
            throw new MetadataStoreException("cannot create data directory " + root, e);
        }
    }

    /** Checks, without creating anything, that this is a data directory of this format (for read-only use). */
    void requireExisting() {
        Path marker = root.resolve("FORMAT");
        try {
            if (!Files.exists(marker)) {
                throw new MetadataStoreException("no metadata store in " + root + " (no FORMAT marker)");
            }
            String found = Files.readString(marker).strip();
            if (!FORMAT.equals(found)) {
                throw new MetadataStoreException("data directory " + root + " was written by an incompatible "
                        + "version: found '" + found + "', this build reads '" + FORMAT + "'");
            }
        } catch (IOException e) {
            throw new MetadataStoreException("cannot check format of " + root, e);
        }
    }

    /** Checks (or writes, for a new directory) the format marker. */
    void checkFormat() {
        Path marker = root.resolve("FORMAT");
        try {
            if (Files.exists(marker)) {
                String found = Files.readString(marker).strip();
                if (!FORMAT.equals(found)) {
                    throw new MetadataStoreException("data directory " + root + " was written by an incompatible "
                            + "version: found '" + found + "', this build reads '" + FORMAT + "'");
                }
                return;
            }
            try (DirectoryStream<Path> s = Files.newDirectoryStream(queue, "*.cq4")) {
                if (s.iterator().hasNext()) {
                    throw new MetadataStoreException("data directory " + root + " holds queue files but no FORMAT "
                            + "marker: not written by this store, or damaged");
                }
            }
            KeyFiles.writeDurably(marker, (FORMAT + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new MetadataStoreException("cannot check format of " + root, e);
        }
    }

    Path cycleFile(LocalDate day) {
        return queue.resolve(CYCLE_NAME.format(day) + ".cq4");
    }

    Path headsFile(LocalDate day) {
        return heads.resolve(day + ".sth");
    }

    Path leavesFile(LocalDate day) {
        return index.resolve(day + ".leaves");
    }

    Path segmentFile(LocalDate day, int n) {
        return index.resolve(day + "." + n + ".idx");
    }

    List<Path> segmentFiles(LocalDate day) {
        List<Path> out = new ArrayList<>();
        for (int n = 0; Files.exists(segmentFile(day, n)); n++) {
            out.add(segmentFile(day, n));
        }
        return out;
    }

    /**
     * Bytes of a day's files: its Chronicle cycle (as long as the file is: Chronicle grows it in blocks), signed heads,
     * leaf log and index segments.
     */
    long bytesOf(LocalDate day) {
        long bytes = 0;
        List<Path> paths = new ArrayList<>(List.of(cycleFile(day), headsFile(day), leavesFile(day)));
        paths.addAll(segmentFiles(day));
        for (Path p : paths) {
            try {
                bytes += Files.size(p);
            } catch (IOException absent) {
                // Not written yet (a day without records has no cycle), or pruned meanwhile: no bytes held.
            }
        }
        return bytes;
    }

    /** Every day that has a cycle file, a heads file or a key, ascending. */
    TreeSet<LocalDate> days() {
        TreeSet<LocalDate> days = new TreeSet<>();
        try {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(queue, "*F.cq4")) {
                for (Path p : s) {
                    days.add(LocalDate.parse(p.getFileName().toString().substring(0, 9), CYCLE_NAME));
                }
            }
            for (Path dir : List.of(heads, keys)) {
                try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "????-??-??.*")) {
                    for (Path p : s) {
                        String name = p.getFileName().toString();
                        if (name.endsWith(".sth") || name.endsWith(".key")) {
                            days.add(LocalDate.parse(name.substring(0, 10)));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new MetadataStoreException("cannot list " + root, e);
        }
        return days;
    }

    List<SignedTreeHead> readHeads(LocalDate day) {
        Path f = headsFile(day);
        List<SignedTreeHead> out = new ArrayList<>();
        if (!Files.exists(f)) {
            return out;
        }
        try {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f));
            while (b.remaining() >= SignedTreeHead.LENGTH) {
                out.add(SignedTreeHead.decode(b));
            }
            if (b.hasRemaining()) {
                throw new MetadataStoreException("heads file " + f + " ends with " + b.remaining()
                        + " bytes of a partial head");
            }
        } catch (IOException e) {
            throw new MetadataStoreException("cannot read " + f, e);
        }
        return out;
    }

    /**
     * The day's first and latest heads, read without those between (heads are of fixed length), so that opening a
     * store costs two short reads a day however many heads a day has (one a minute: 1,440); empty when it has none.
     */
    List<SignedTreeHead> readEndHeads(LocalDate day) {
        Path f = headsFile(day);
        if (!Files.exists(f)) {
            return List.of();
        }
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size % SignedTreeHead.LENGTH != 0) {
                throw new MetadataStoreException("heads file " + f + " ends with " + size % SignedTreeHead.LENGTH
                        + " bytes of a partial head");
            }
            if (size == 0) {
                return List.of();
            }
            SignedTreeHead first = headAt(ch, 0, f);
            return size == SignedTreeHead.LENGTH ? List.of(first)
                    : List.of(first, headAt(ch, size - SignedTreeHead.LENGTH, f));
        } catch (IOException e) {
            throw new MetadataStoreException("cannot read " + f, e);
        }
    }

    /** The day's latest head, or null when it has none. */
    SignedTreeHead readLatestHead(LocalDate day) {
        List<SignedTreeHead> ends = readEndHeads(day);
        return ends.isEmpty() ? null : ends.get(ends.size() - 1);
    }

    private static SignedTreeHead headAt(FileChannel ch, long position, Path f) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(SignedTreeHead.LENGTH);
        while (b.hasRemaining()) {
            if (ch.read(b, position + b.position()) < 0) {
                throw new MetadataStoreException("heads file " + f + " shrank while read");
            }
        }
        return SignedTreeHead.decode(b.flip());
    }

    /** Appends a head durably; a write that fails half-way (a full disk) is cut back off, so the file stays whole. */
    void appendHead(SignedTreeHead head) {
        Path f = headsFile(head.day());
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            long end = ch.size();
            try {
                ByteBuffer b = ByteBuffer.wrap(head.encode());
                while (b.hasRemaining()) {
                    ch.write(b, end + b.position());
                }
                ch.force(true);
            } catch (IOException e) {
                ch.truncate(end);
                throw e;
            }
        } catch (IOException e) {
            throw new MetadataStoreException("cannot write signed tree head to " + f, e);
        }
    }

    long leafCount(LocalDate day) {
        try {
            Path f = leavesFile(day);
            return Files.exists(f) ? Files.size(f) / MerkleTree.HASH_LENGTH : 0;
        } catch (IOException e) {
            throw new MetadataStoreException("cannot read " + leavesFile(day), e);
        }
    }

    /** Reads the leaf hashes of a day (possibly fewer than its records after a crash). */
    byte[] readLeaves(LocalDate day) {
        Path f = leavesFile(day);
        try {
            return Files.exists(f) ? Files.readAllBytes(f) : new byte[0];
        } catch (IOException e) {
            throw new MetadataStoreException("cannot read " + f, e);
        }
    }

    /** Deletes every file of the day except the Chronicle cycle file, which the queue must release first. */
    void deleteSideFiles(LocalDate day, KeyFiles keyFiles) {
        keyFiles.destroyDaySecret(day);
        try {
            Files.deleteIfExists(headsFile(day));
            Files.deleteIfExists(leavesFile(day));
            for (Path p : segmentFiles(day)) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new MetadataStoreException("cannot delete the files of expired day " + day, e);
        }
    }
}
