package dev.ebb.gateway.privacy;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/** How much room the file system holding a directory has: the one input of the {@link StorageGuard}. */
@FunctionalInterface
public interface FreeSpace {
    /**
     * @param dir an existing directory
     * @throws IOException if the file system cannot be asked
     */
    Space of(Path dir) throws IOException;

    /**
     * @param usable bytes this process may still write ({@link FileStore#getUsableSpace()})
     * @param total  the file system's size
     */
    record Space(long usable, long total) {
    }

    /** The file systems' own figures: one {@code statvfs} per call. */
    static FreeSpace fileStores() {
        return dir -> {
            FileStore store = Files.getFileStore(dir);
            return new Space(store.getUsableSpace(), store.getTotalSpace());
        };
    }
}
