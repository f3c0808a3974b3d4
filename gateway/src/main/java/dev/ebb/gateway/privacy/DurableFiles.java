package dev.ebb.gateway.privacy;

import dev.ebb.metadata.OwnerOnlyFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** File operations that are on disk when they return, also after a power cut (fsync of file and directory). */
final class DurableFiles {
    private DurableFiles() {
    }

    /**
     * Write-to-temp, fsync, rename, fsync directory: readers see the old or the new file, never a torn one. The file
     * is created 0600 (it is a key or a store marker); a temporary file a crash left behind is replaced, not reused
     * with whatever mode it had.
     */
    static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path temp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        try (FileChannel channel = OwnerOnlyFiles.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            writeFully(channel, ByteBuffer.wrap(bytes), 0);
            channel.force(true);
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        fsyncDirectory(target.getParent());
    }

    /**
     * Overwrites the file in place with {@code bytes} (same length) and fsyncs it. On a file system that updates in
     * place (ext4, xfs) the old bytes are gone from the device, which a rename or delete alone does not achieve.
     */
    static void overwriteInPlace(Path file, byte[] bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            writeFully(channel, ByteBuffer.wrap(bytes), 0);
            channel.force(true);
        }
    }

    /** Overwrites with zeros, then deletes; both durable. Missing files are fine (a crash may have got there first). */
    static void shredAndDelete(Path file) throws IOException {
        try {
            overwriteInPlace(file, new byte[Math.toIntExact(Files.size(file))]);
        } catch (NoSuchFileException alreadyGone) {
            return;
        }
        deleteDurably(file);
    }

    static void deleteDurably(Path file) throws IOException {
        if (Files.deleteIfExists(file)) {
            fsyncDirectory(file.getParent());
        }
    }

    /** Creates the directory and its missing parents, 0700 (keys and content live under them), durably. */
    static void createDirectoriesDurably(Path dir) throws IOException {
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

    /** A new or removed directory entry is only durable once its directory is fsynced (POSIX fsync(2)). */
    static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    static void writeFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            at += channel.write(buffer, at);
        }
    }
}
