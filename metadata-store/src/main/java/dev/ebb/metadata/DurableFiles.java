package dev.ebb.metadata;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * File operations that are on disk when they return, also after a power cut: the file is forced, and so is the
 * directory that names it, as a new or removed name is durable only once its directory is (POSIX fsync(2)). Shared
 * by the metadata store (key files, the format marker, index segments) and the gateway (vault keys and buckets, the
 * store marker, the delivery key, the audit log's directory); appends (heads, leaf log, audit lines) force their own
 * channel.
 */
public final class DurableFiles {
    /** Writes a new file's content. */
    public interface Content {
        void writeTo(FileChannel channel) throws IOException;
    }

    private DurableFiles() {
    }

    /** {@link #replace} for a secret: the file is created 0600 ({@link OwnerOnlyFiles}). */
    public static void replaceOwnerOnly(Path target, byte[] bytes) throws IOException {
        replace(target, true, channel -> writeFully(channel, ByteBuffer.wrap(bytes), 0));
    }

    /**
     * Writes {@code target} whole under a temporary name, forces it, renames it into place and forces the directory:
     * a crash leaves the old file or the new one, never part of one. A temporary file a crash left behind is replaced,
     * not reused with whatever mode it had; one that fails to be written is deleted (a full disk is the likely cause,
     * and this gives the space back).
     */
    public static void replace(Path target, Content content) throws IOException {
        replace(target, false, content);
    }

    /**
     * {@link #replaceOwnerOnly} of a secret kept in clear until now (a key being wrapped): once the new file has taken
     * its name, the old file's bytes are overwritten with zeros through a descriptor opened before the rename, and
     * forced. There is never a moment without one of the two, and the secret in clear does not stay behind in the
     * blocks the rename freed (best effort on copy-on-write storage, as for {@link #shredAndDelete}).
     */
    public static void replaceShredding(Path target, byte[] bytes) throws IOException {
        try (FileChannel old = FileChannel.open(target, StandardOpenOption.WRITE)) {
            replaceOwnerOnly(target, bytes);
            writeFully(old, ByteBuffer.wrap(new byte[Math.toIntExact(old.size())]), 0);
            old.force(true);
        }
    }

    /**
     * Overwrites the file in place with {@code bytes} (same length) and forces it. On a file system that updates in
     * place (ext4, xfs) the old bytes are gone from the device, which a rename or delete alone does not achieve.
     */
    public static void overwriteInPlace(Path file, byte[] bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            writeFully(channel, ByteBuffer.wrap(bytes), 0);
            channel.force(true);
        }
    }

    /**
     * Overwrites the file with zeros, forces that, and deletes it durably (crypto-shredding of a key). On
     * copy-on-write or wear-levelled storage the overwrite is best effort; deleting the only copy is what counts. A
     * missing file is fine (a crash may have got there first).
     */
    public static void shredAndDelete(Path file) throws IOException {
        try {
            overwriteInPlace(file, new byte[Math.toIntExact(Files.size(file))]);
        } catch (NoSuchFileException alreadyGone) {
            return;
        }
        deleteDurably(file);
    }

    /** Deletes the file or empty directory if it exists, and forces its directory. */
    public static void deleteDurably(Path file) throws IOException {
        if (Files.deleteIfExists(file)) {
            fsyncDirectory(file.toAbsolutePath().getParent());
        }
    }

    /** Creates the directory and its missing parents, 0700 (keys and content live under them), durably. */
    public static void createDirectoriesDurably(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null) {
            createDirectoriesDurably(parent);
        }
        OwnerOnlyFiles.createDirectories(dir);
        if (parent != null) {
            fsyncDirectory(parent);
        }
    }

    /** Forces a directory, so that a name created or removed in it survives a power cut. */
    public static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** Writes all of {@code buffer} at {@code position}, however many writes it takes. */
    public static void writeFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            at += channel.write(buffer, at);
        }
    }

    private static void replace(Path target, boolean ownerOnly, Content content) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            try (FileChannel channel = ownerOnly
                    ? OwnerOnlyFiles.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)
                    : FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                content.writeTo(channel);
                channel.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        fsyncDirectory(target.toAbsolutePath().getParent());
    }
}
