package dev.ebb.gateway.privacy;

import dev.ebb.metadata.DurableFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Exclusive use of a data directory: an OS lock on {@code <dataDir>/ebb.lock}, held from before the first store opens
 * until the gateway (or an offline command that writes) has closed them. A second gateway on the same directory would
 * re-queue the first one's pending messages and send them to the SMSC a second time with no record saying so, strip
 * content the first has not acknowledged yet, and stop the first one's metadata store (its queue out of step). The
 * lock goes with the process, also on {@code kill -9}: no stale lock to clean up after a crash.
 */
public final class DataDirectoryLock implements AutoCloseable {
    static final String FILE = "ebb.lock";

    private final FileChannel channel;

    private DataDirectoryLock(FileChannel channel) {
        this.channel = channel;
    }

    /** @throws IllegalStateException naming the directory if another process (or this one) holds it */
    public static DataDirectoryLock acquire(Path root) {
        Path file = root.resolve(FILE);
        try {
            DurableFiles.createDirectoriesDurably(root);
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException sameProcess) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new IllegalStateException("data directory " + root.toAbsolutePath() + " is in use by another "
                        + "Ebb (it holds the lock on " + file.toAbsolutePath() + "); stop it first: two on one "
                        + "directory would send its messages twice");
            }
            return new DataDirectoryLock(channel);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock data directory " + root.toAbsolutePath() + " (" + file + ")", e);
        }
    }

    /** Releases the lock (closing the channel releases it). */
    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release the data directory lock " + FILE, e);
        }
    }
}
