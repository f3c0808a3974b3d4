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
 * The store's whole-file writes, on disk when they return, also after a power cut: the file is forced, and so is the
 * directory that names it, as a new or removed name is durable only once its directory is (POSIX fsync(2)). Used for
 * key files, the format marker and index segments; appends (heads, leaf log) force their own channel.
 */
final class DurableFiles {
    /** Writes a new file's content. */
    interface Content {
        void writeTo(FileChannel channel) throws IOException;
    }

    private DurableFiles() {
    }

    /** {@link #replace} for a secret: the file is created 0600 ({@link OwnerOnlyFiles}). */
    static void replaceOwnerOnly(Path target, byte[] bytes) throws IOException {
        replace(target, true, channel -> {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                channel.write(b);
            }
        });
    }

    /**
     * Writes {@code target} whole under a temporary name, forces it, renames it into place and forces the directory:
     * a crash leaves the old file or the new one, never part of one. A temporary file a crash left behind is replaced,
     * not reused with whatever mode it had; one that fails to be written is deleted (a full disk is the likely cause,
     * and this gives the space back).
     */
    static void replace(Path target, Content content) throws IOException {
        replace(target, false, content);
    }

    /**
     * Overwrites the file with zeros, forces that, and deletes it durably (crypto-shredding of a key). On
     * copy-on-write or wear-levelled storage the overwrite is best effort; deleting the only copy is what counts. A
     * missing file is fine.
     */
    static void shredAndDelete(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer zeros = ByteBuffer.wrap(new byte[Math.toIntExact(channel.size())]);
            while (zeros.hasRemaining()) {
                channel.write(zeros, zeros.position());
            }
            channel.force(true);
        } catch (NoSuchFileException alreadyGone) {
            return;
        }
        Files.delete(file);
        fsyncDirectory(file);
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
        fsyncDirectory(target);
    }

    /** Forces the directory holding {@code file}, so that a name created or removed in it survives a power cut. */
    private static void fsyncDirectory(Path file) throws IOException {
        try (FileChannel dir = FileChannel.open(file.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        }
    }
}
