package dev.ebb.gateway.privacy;

import dev.ebb.metadata.DurableFiles;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * The identity file of a key store ({@code KEYSTORE}) or of a content directory ({@code VAULT}):
 * {@code magic | version | 16-byte key store id | generation | CRC32C}. The content directory records the id of the
 * key store its data was encrypted with, so a lost or swapped key store is detected at start-up.
 *
 * @param generation counts vault openings; record sequence numbers start above every earlier opening's
 */
record StoreMarker(byte[] keyStoreId, long generation) {
    static final int ID_LENGTH = 16;
    private static final byte VERSION = 1;
    private static final int LENGTH = 4 + 1 + ID_LENGTH + 8 + 4;

    String keyStoreIdHex() {
        return hex(keyStoreId);
    }

    static String hex(byte[] keyStoreId) {
        return HexFormat.of().formatHex(keyStoreId);
    }

    void write(Path path, int magic) throws IOException {
        ByteBuffer out = ByteBuffer.allocate(LENGTH);
        out.putInt(magic).put(VERSION).put(keyStoreId).putLong(generation);
        out.putInt(crc(out.array(), LENGTH - 4));
        DurableFiles.replaceOwnerOnly(path, out.array());
    }

    /**
     * Reads the marker, empty if the file does not exist.
     *
     * @throws KeyStoreCorruptedException for a key store marker, {@link VaultCorruptedException} for a vault marker,
     *                                    if the file is not a valid marker
     */
    static Optional<StoreMarker> read(Path path, int magic, boolean keyStore) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException absent) {
            return Optional.empty();
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            if (bytes.length != LENGTH || in.getInt() != magic || in.get() != VERSION) {
                throw corrupted(path, keyStore, "not a marker file of this version (" + bytes.length + " bytes)");
            }
            byte[] id = new byte[ID_LENGTH];
            in.get(id);
            long generation = in.getLong();
            if (in.getInt() != crc(bytes, LENGTH - 4)) {
                throw corrupted(path, keyStore, "checksum mismatch");
            }
            return Optional.of(new StoreMarker(id, generation));
        } catch (BufferUnderflowException truncated) {
            throw corrupted(path, keyStore, "truncated marker (" + bytes.length + " bytes)");
        }
    }

    private static VaultException corrupted(Path path, boolean keyStore, String found) {
        return keyStore ? new KeyStoreCorruptedException(path, found)
                : new VaultCorruptedException("vault marker corrupted at " + path + ": " + found);
    }

    private static int crc(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }
}
