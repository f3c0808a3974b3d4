package dev.ebb.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A tmpfs of a few MiB for full-disk tests: mounting needs root, so a test skips itself where it cannot. */
public final class SmallDisk {
    private SmallDisk() {
    }

    /**
     * Mounts a tmpfs of {@code size} (as mount takes it, e.g. {@code 12m}) on {@code dir}, created if missing.
     *
     * @return the mount point, or empty where it cannot be mounted
     */
    public static Optional<Path> mount(Path dir, String size) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString())
                .redirectErrorStream(true).start();
        return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 ? Optional.of(dir) : Optional.empty();
    }

    /** Unmounts lazily, so files a test still holds open do not keep the mount. */
    public static void unmount(Path mount) throws IOException, InterruptedException {
        new ProcessBuilder("umount", "-l", mount.toString()).start().waitFor(30, TimeUnit.SECONDS);
    }
}
