package dev.ebb.gateway.testing;

import dev.ebb.metadata.FileSync;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A power cut, simulated where dm-flakey and dm-log-writes cannot run (no device-mapper in the build container): the
 * stores force their message files through this {@link FileSync}, which copies each file as it stands right after
 * its force, the "disk". {@link #cut} then builds the directory a power cut would leave: every file the stores write
 * without forcing each write (content bucket files, queue cycle files, Chronicle's table store, leaf logs,
 * idempotency keys) as it was
 * at its last force, or at {@link #baseline()} if it was never forced since, or absent if it did not exist then;
 * every other file (keys, markers, signed heads, index segments: forced on each write) as it stands.
 *
 * <p>It can also hold the forces ({@link #hold}), so a test sees what has been answered while one is under way.
 */
public final class PowerCut implements FileSync {
    private static final int CHUNK = 1 << 20;
    private static final ByteBuffer ZEROS = ByteBuffer.allocate(CHUNK);
    private static final List<String> FORCED_BY_GROUP_COMMIT = List.of(".vault", ".cq4", ".cq4t", ".leaves", ".keys");
    private final Path dataDir;
    private final Path shadow;
    private final Map<Path, Path> lastForced = new HashMap<>();
    private int forces;
    private int snapshots;
    private boolean cut;
    private volatile CountDownLatch gate;
    private volatile CountDownLatch entered;

    /** @param shadow where the copies go, outside {@code dataDir} */
    public PowerCut(Path dataDir, Path shadow) {
        this.dataDir = dataDir.toAbsolutePath();
        this.shadow = shadow;
    }

    @Override
    public void force(FileChannel channel, Path file) throws IOException {
        CountDownLatch held = gate;
        if (held != null) {
            entered.countDown();
            try {
                if (!held.await(30, TimeUnit.SECONDS)) {
                    throw new IOException("force held for 30 s by the test");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while held", e);
            }
        }
        channel.force(false);
        synchronized (this) {
            forces++;
            if (!cut) {
                Path copy = shadow.resolve("forced").resolve(Integer.toString(snapshots++));
                copySparse(file, copy);
                lastForced.put(dataDir.relativize(file.toAbsolutePath()), copy);
            }
        }
    }

    /** Forces run so far. */
    public synchronized int forces() {
        return forces;
    }

    /** Takes what is on disk now as the state of every file not forced after this. */
    public synchronized void baseline() {
        copyTree(dataDir, shadow.resolve("baseline"));
    }

    /** Forces wait from now on until {@link #release()}. */
    public void hold() {
        entered = new CountDownLatch(1);
        gate = new CountDownLatch(1);
    }

    /** Waits until a force is held. */
    public void awaitHeld() throws InterruptedException {
        if (!entered.await(30, TimeUnit.SECONDS)) {
            throw new AssertionError("no force began within 30 s");
        }
    }

    public void release() {
        CountDownLatch held = gate;
        gate = null;
        held.countDown();
    }

    /** The power goes: later forces reach nothing; returns the directory the cut leaves (a fresh one under shadow). */
    public synchronized Path cut() {
        cut = true;
        Path disk = shadow.resolve("disk");
        Path baseline = shadow.resolve("baseline");
        try (Stream<Path> files = Files.walk(dataDir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path rel = dataDir.relativize(file);
                Path target = disk.resolve(rel.toString());
                Path source = file;
                if (FORCED_BY_GROUP_COMMIT.stream().anyMatch(rel.toString()::endsWith)) {
                    source = lastForced.getOrDefault(rel, baseline.resolve(rel.toString()));
                    if (!Files.exists(source)) {
                        continue;
                    }
                }
                copySparse(source, target);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return disk;
    }

    private static void copyTree(Path from, Path to) {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                copySparse(file, to.resolve(from.relativize(file).toString()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies a file, leaving holes where it reads zeros: Chronicle's cycle files are mostly unwritten space. */
    private static void copySparse(Path from, Path to) {
        try {
            Files.createDirectories(to.getParent());
            try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
                 RandomAccessFile out = new RandomAccessFile(to.toFile(), "rw")) {
                long size = in.size();
                out.setLength(0);
                ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
                for (long at = 0; at < size; at += CHUNK) {
                    chunk.clear();
                    while (chunk.hasRemaining() && in.read(chunk, at + chunk.position()) > 0) {
                        // reads until the chunk is full or the file ends
                    }
                    chunk.flip();
                    if (!allZero(chunk)) {
                        out.getChannel().write(chunk, at);
                    }
                }
                out.setLength(size);
            }
            // Key files must stay owner-only, or the stores refuse to open the copy.
            Files.setPosixFilePermissions(to, Files.getPosixFilePermissions(from));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + from, e);
        }
    }

    private static boolean allZero(ByteBuffer b) {
        return b.mismatch(ZEROS.duplicate().limit(b.remaining())) < 0;
    }
}
