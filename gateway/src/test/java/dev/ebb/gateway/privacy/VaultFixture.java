package dev.ebb.gateway.privacy;

import dev.ebb.testing.MutableClock;
import dev.ebb.gateway.config.ContentConfig;
import dev.ebb.gateway.testing.DiskSearch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

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
        return DiskSearch.filesContaining(root, needle);
    }

    List<Path> allFiles() {
        return DiskSearch.files(root);
    }

    List<Path> contentFiles() {
        return allFiles().stream().filter(p -> p.toString().endsWith(ContentVault.FILE_SUFFIX)).toList();
    }

    static byte[] marker(String unique) {
        return ("MARKER-" + unique + "-the quick brown fox").getBytes(StandardCharsets.UTF_8);
    }

    static byte[] read(Path file) {
        return DiskSearch.read(file);
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        return DiskSearch.indexOf(haystack, needle);
    }

    @Override
    public void close() {
        vault.close();
    }
}
