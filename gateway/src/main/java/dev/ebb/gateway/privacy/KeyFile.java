package dev.ebb.gateway.privacy;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * On-disk form of one bucket key: {@code magic "EBBK" | version | state | bucket start millis | customer id
 * (u16 length + UTF-8) | 32 key bytes | CRC32C}. A destroyed key keeps the same length with zeroed key bytes, so it
 * can overwrite the live key in place.
 */
record KeyFile(BucketId bucket, boolean live, byte[] key) {
    static final int KEY_LENGTH = 32;
    private static final int MAGIC = 0x4542424B;
    private static final byte VERSION = 1;
    private static final byte LIVE = 1;
    private static final byte DESTROYED = 2;

    static KeyFile live(BucketId bucket, byte[] key) {
        return new KeyFile(bucket, true, key.clone());
    }

    /** The tombstone of a destroyed key: as long as the live key file, so it overwrites it byte for byte. */
    static KeyFile tombstone(BucketId bucket) {
        return new KeyFile(bucket, false, new byte[KEY_LENGTH]);
    }

    byte[] encode() {
        byte[] customer = bucket.customerId().getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(4 + 1 + 1 + 8 + 2 + customer.length + KEY_LENGTH + 4);
        out.putInt(MAGIC).put(VERSION).put(live ? LIVE : DESTROYED).putLong(bucket.startMillis())
                .putShort((short) customer.length).put(customer).put(key);
        out.putInt(crc(out.array(), out.position()));
        return out.array();
    }

    /** Parses and checks a key file; {@code path} is only used to name the culprit in the exception. */
    static KeyFile decode(Path path, byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            int magic = in.getInt();
            if (magic != MAGIC) {
                throw new KeyStoreCorruptedException(path, "not a key file (magic 0x" + Integer.toHexString(magic) + ")");
            }
            byte version = in.get();
            if (version != VERSION) {
                throw new KeyStoreCorruptedException(path, "unknown key file version " + version);
            }
            byte state = in.get();
            long start = in.getLong();
            byte[] customer = new byte[Short.toUnsignedInt(in.getShort())];
            in.get(customer);
            byte[] key = new byte[KEY_LENGTH];
            in.get(key);
            int storedCrc = in.getInt();
            if (in.hasRemaining()) {
                throw new KeyStoreCorruptedException(path, in.remaining() + " trailing bytes after the key");
            }
            if (storedCrc != crc(bytes, bytes.length - 4)) {
                throw new KeyStoreCorruptedException(path, "checksum mismatch");
            }
            if (state != LIVE && state != DESTROYED) {
                throw new KeyStoreCorruptedException(path, "unknown key state " + state);
            }
            boolean live = state == LIVE;
            if (!live) {
                Arrays.fill(key, (byte) 0);
            }
            return new KeyFile(new BucketId(new String(customer, StandardCharsets.UTF_8), start), live, key);
        } catch (BufferUnderflowException truncated) {
            throw new KeyStoreCorruptedException(path, "truncated key file (" + bytes.length + " bytes)");
        }
    }

    private static int crc(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }

    @Override
    public String toString() {
        return "KeyFile[" + bucket + ", live=" + live + "]";
    }
}
