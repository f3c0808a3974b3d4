package dev.ebb.gateway.privacy;

import dev.ebb.testing.MutableClock;
import dev.ebb.gateway.config.ContentConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/** Real directories under a temp dir, a mutable clock, and the vault opened on them (reopenable, like a restart). */
final class VaultFixture implements AutoCloseable {
    static final Instant BUCKET_START = Instant.parse("2026-03-02T10:00:00Z");
    static final ContentConfig CONFIG = new ContentConfig(Duration.ofHours(72), Duration.ofHours(1));

    final Path root;
    final Path contentDir;
    final Path keyDir;
    final MutableClock clock = new MutableClock(BUCKET_START);
    KeyRing keys;
    ContentVault vault;

    VaultFixture(Path root) {
        this.root = root;
        this.contentDir = root.resolve("content");
        this.keyDir = root.resolve("keys");
        open();
    }

    ContentVault open() {
        keys = KeyRing.open(keyDir);
        vault = ContentVault.open(contentDir, keys, CONFIG, clock);
        return vault;
    }

    /** Close and open again on the same directories, as a restart of the gateway does. */
    ContentVault restart() {
        vault.close();
        return open();
    }

    /** Every regular file under the root whose raw bytes contain {@code needle}. */
    List<Path> filesContaining(byte[] needle) {
        List<Path> hits = new ArrayList<>();
        for (Path file : allFiles()) {
            if (indexOf(read(file), needle) >= 0) {
                hits.add(file);
            }
        }
        return hits;
    }

    List<Path> allFiles() {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<Path> contentFiles() {
        return allFiles().stream().filter(p -> p.toString().endsWith(ContentVault.FILE_SUFFIX)).toList();
    }

    static byte[] marker(String unique) {
        return ("MARKER-" + unique + "-the quick brown fox").getBytes(StandardCharsets.UTF_8);
    }

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public void close() {
        vault.close();
    }
}
