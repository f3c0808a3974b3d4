package dev.ebb.gateway.privacy;

import dev.ebb.gateway.config.ContentConfig;
import dev.ebb.gateway.config.DataDirectory;
import dev.ebb.gateway.testing.DiskSearch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What someone holding a copy of a data directory, content keys included (no key-encryption key), can read of its
 * content: the copy's every record decrypted with the keys beside it, after each tombstone is undone (its state octet
 * set back to live), so that a strip is shown to destroy the content itself and not only to mark it. The proof behind
 * "content gone" for a strip, as a destroyed key is for the 72 h expiry.
 */
public final class VaultForensics {
    private VaultForensics() {
    }

    /**
     * Every sealed message a copy of {@code dataDir} decrypts to, tombstones undone, while the gateway runs or not.
     *
     * @param scratch an empty directory to copy into
     */
    public static List<byte[]> readableContent(Path dataDir, Path scratch) {
        DataDirectory original = new DataDirectory(dataDir);
        DataDirectory copy = new DataDirectory(scratch);
        // Keys first: a bucket made meanwhile then has at worst a key and no file, never a file without its key.
        copyTree(original.contentKeys(), copy.contentKeys());
        copyTree(original.content(), copy.content());
        for (Path file : DiskSearch.files(copy.content())) {
            if (file.toString().endsWith(ContentVault.FILE_SUFFIX)) {
                undoTombstones(file);
            }
        }
        List<byte[]> readable = new ArrayList<>();
        try (ContentVault vault = ContentVault.open(copy.content(), KeyRing.open(copy.contentKeys()),
                ContentConfig.defaults(), Clock.systemUTC())) {
            // A tombstone undone holds zeros where the ciphertext was: it fails authentication, so is unreadable.
            vault.forEachPending((handle, bytes) -> readable.add(bytes), unreadable -> { });
        }
        return readable;
    }

    /** Whether any of {@code sealed} holds {@code needle}. */
    public static boolean anyContains(List<byte[]> sealed, byte[] needle) {
        return sealed.stream().anyMatch(bytes -> DiskSearch.indexOf(bytes, needle) >= 0);
    }

    private static void undoTombstones(Path file) {
        byte[] bytes = DiskSearch.read(file);
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        for (int position = 0; position + RecordHeader.MIN_RECORD_LENGTH <= bytes.length; ) {
            RecordHeader header = RecordHeader.parse(buffer, position, position);
            if (header == null) {
                position += RecordHeader.ALIGNMENT;
                continue;
            }
            if (header.state() == RecordHeader.STRIPPED) {
                bytes[position + RecordHeader.stateOffset(header.idLength())] = RecordHeader.LIVE;
            }
            position += header.length();
        }
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copyTree(Path from, Path to) {
        if (!Files.exists(from)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path source : walk.toList()) {
                Files.copy(source, to.resolve(from.relativize(source).toString()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
