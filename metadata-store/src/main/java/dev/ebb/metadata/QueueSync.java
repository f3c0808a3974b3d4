package dev.ebb.metadata;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Forces the queue's cycle file, for a group commit and, in group-commit mode, before anything derived from the
 * records is made durable: a signed head or an index segment that covers records the disk lacks would, after a power
 * cut, read as records removed (the store would refuse to open, rightly so for a tampered directory).
 *
 * <p>It forces through a channel of its own on the cycle file, not through Chronicle's {@code appender.sync()}: that
 * msyncs the mapped chunk under the appender's position and must run on the appender, under the writer lock, holding
 * up appends for as long as the disk takes. Thread-safe; it never takes the writer lock, so the index thread may call
 * it while the writer waits for that thread.
 */
final class QueueSync implements AutoCloseable {
    private final FileSync sync;
    private final boolean beforeDerived;
    private final Path queueDir;
    /** The cycle file the writer appends to, published after its first append of a day. */
    private volatile Path written;
    private Path open;
    private FileChannel channel;

    /**
     * @param beforeDerived true in group-commit mode: {@link #beforeDerived()} forces
     */
    QueueSync(FileSync sync, boolean beforeDerived, Path queueDir) {
        this.sync = sync;
        this.beforeDerived = beforeDerived;
        this.queueDir = queueDir;
    }

    /** Called by the writer after its first append to a cycle. */
    void writing(File cycleFile) {
        if (cycleFile != null) {
            written = cycleFile.toPath();
        }
    }

    /**
     * Forces every record appended before the call: the file the writer appends to and, after a roll, the one before
     * it (its last records may not be forced yet), and the directory that names a new cycle file.
     */
    synchronized void force() {
        Path file = written;
        if (file == null) {
            return;
        }
        try {
            if (!file.equals(open)) {
                if (channel != null) {
                    sync.force(channel, open);
                    channel.close();
                }
                channel = FileChannel.open(file, StandardOpenOption.READ);
                open = file;
                DurableFiles.fsyncDirectory(queueDir);
            }
            sync.force(channel, file);
        } catch (IOException e) {
            throw new MetadataStoreException("cannot force the metadata queue file " + file, e);
        }
    }

    /** In group-commit mode, {@link #force()}; before a head is signed or an index segment written. */
    void beforeDerived() {
        if (beforeDerived) {
            force();
        }
    }

    @Override
    public synchronized void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                throw new MetadataStoreException("cannot close the metadata queue file " + open, e);
            }
            channel = null;
        }
    }
}
