package dev.ebb.gateway.privacy;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * On-disk form of one bucket key: {@code magic "EBBK" | version | state | bucket start millis | customer id
 * (u16 length + UTF-8) | key | CRC32C}. Version 1 holds the 32 key bytes in clear; version 2 holds them wrapped
 * under the key-encryption key ({@link KeyEncryptionKey}), as {@code u16 length | wrapped key}. A destroyed key keeps
 * its file's version and length with the key bytes zeroed, so it can overwrite the live key in place.
 *
 * @param key the key in clear (version 1) or wrapped (version 2); zeros in a tombstone
 */
record KeyFile(BucketId bucket, boolean live, boolean wrapped, byte[] key) {
    static final int KEY_LENGTH = 32;
    private static final int MAGIC = 0x4542424B;
    private static final byte IN_CLEAR = 1;
    private static final byte WRAPPED = 2;
    private static final byte LIVE = 1;
    private static final byte DESTROYED = 2;

    static KeyFile live(BucketId bucket, byte[] key) {
        return new KeyFile(bucket, true, false, key.clone());
    }

    static KeyFile wrapped(BucketId bucket, byte[] wrappedKey) {
        return new KeyFile(bucket, true, true, wrappedKey.clone());
    }

    /** The tombstone of this key: as long as its file, so it overwrites it byte for byte. */
    KeyFile tombstone() {
        return new KeyFile(bucket, false, wrapped, new byte[key.length]);
    }

    byte[] encode() {
        byte[] customer = bucket.customerId().getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(4 + 1 + 1 + 8 + 2 + customer.length + (wrapped ? 2 : 0) + key.length + 4);
        out.putInt(MAGIC).put(wrapped ? WRAPPED : IN_CLEAR).put(live ? LIVE : DESTROYED).putLong(bucket.startMillis())
                .putShort((short) customer.length).put(customer);
        if (wrapped) {
            out.putShort((short) key.length);
        }
        out.put(key);
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
            if (version != IN_CLEAR && version != WRAPPED) {
                throw new KeyStoreCorruptedException(path, "unknown key file version " + version);
            }
            byte state = in.get();
            long start = in.getLong();
            byte[] customer = new byte[Short.toUnsignedInt(in.getShort())];
            in.get(customer);
            byte[] key = new byte[version == WRAPPED ? Short.toUnsignedInt(in.getShort()) : KEY_LENGTH];
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
            return new KeyFile(new BucketId(new String(customer, StandardCharsets.UTF_8), start), live,
                    version == WRAPPED, key);
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
        return "KeyFile[" + bucket + ", live=" + live + ", wrapped=" + wrapped + "]";
    }
}
