package dev.ebb.gateway.privacy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;

/**
 * Per-thread state of the vault's hot path: one {@link Cipher} (creating one costs a provider lookup) and buffers
 * that grow to the largest record the thread has seen, so a put allocates next to nothing.
 */
final class ThreadScratch {
    private static final int INITIAL_RECORD_CAPACITY = 1024;

    final Cipher cipher;
    final byte[] aad = new byte[2 + 2 * RecordHeader.MAX_ID_LENGTH + 2 * Long.BYTES];
    private byte[] record = new byte[INITIAL_RECORD_CAPACITY];

    ThreadScratch() {
        try {
            cipher = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM is part of every Java 17 runtime", e);
        }
    }

    /**
     * The record buffer, grown to at least {@code length} bytes keeping what it held: a read that has the header
     * already in the buffer and grows it for the rest of a long record must not lose that header (issue 9: a
     * message_payload of ~850 bytes failed authentication on every thread that had not held so long a record).
     */
    byte[] record(int length) {
        if (record.length < length) {
            record = Arrays.copyOf(record, Math.max(length, record.length * 2));
        }
        return record;
    }

    /**
     * Additional authenticated data (RFC 5116 §2.1): binds a ciphertext to its customer, message id, bucket and
     * position, so a record copied to another customer's file, bucket or place fails authentication.
     *
     * @return the number of bytes of {@link #aad} used
     */
    int aad(byte[] customerId, String messageId, long bucketStartMillis, long position) {
        byte[] id = messageId.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.wrap(aad);
        out.put((byte) customerId.length).put(customerId).put((byte) id.length).put(id)
                .putLong(bucketStartMillis).putLong(position);
        return out.position();
    }
}
