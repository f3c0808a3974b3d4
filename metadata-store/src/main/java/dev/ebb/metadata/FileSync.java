package dev.ebb.metadata;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * How a store forces the files that hold acknowledged data (the metadata queue's cycle files, the content vault's
 * bucket files) in group-commit mode ({@code storage.durability: fsync}). In production it is {@link #FSYNC}; a test
 * passes one that also records what each file held at its force, the "disk" a power cut leaves.
 */
@FunctionalInterface
public interface FileSync {
    /**
     * {@code fdatasync(2)}: the file's data, and the metadata needed to read it back (its size), are on the device when
     * it returns. On Linux this also writes the pages dirtied through a shared memory map of the file (Chronicle's),
     * as the page cache tracks them per file, not per mapping.
     */
    FileSync FSYNC = (channel, file) -> channel.force(false);

    /** Forces {@code channel}, open on {@code file}. */
    void force(FileChannel channel, Path file) throws IOException;
}
