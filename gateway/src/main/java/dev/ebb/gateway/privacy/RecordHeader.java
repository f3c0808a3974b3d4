package dev.ebb.gateway.privacy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The plaintext header of one record in a bucket file, and the record layout (big-endian, records 8-byte aligned):
 * <pre>
 *  0  int    magic "EBVR"
 *  4  int    record length (whole record, padded to 8)
 *  8  long   sequence (vault-wide write order)
 * 16  int    sealed length (plaintext bytes; ciphertext is 16 longer: the GCM tag)
 * 20  u8     message id length n (1..255)
 * 21  n      message id, UTF-8
 * 21+n 12    GCM nonce
 * 33+n int   CRC32C of bytes 0 .. 33+n
 * 37+n u8    state: 1 live, 2 stripped, 3 stripped before its message was final (outside the CRC: strip rewrites it in
 *            place)
 * 38+n       ciphertext + tag, then zero padding
 * </pre>
 * The magic, the CRC and the alignment let recovery find every complete record even behind a gap that a write
 * in flight during {@code kill -9} left as zeros (puts reserve space concurrently, so a later record may be
 * complete while an earlier one is not).
 *
 * @param position byte offset of the record in its bucket file
 */
record RecordHeader(long position, int length, long sequence, int sealedLength, String messageId, int idLength,
                    byte state) {
    static final int MAGIC = 0x45425652;
    static final int ALIGNMENT = 8;
    static final int NONCE_LENGTH = 12;
    static final int TAG_BITS = 128;
    static final int TAG_LENGTH = TAG_BITS / 8;
    static final int MAX_ID_LENGTH = 255;
    /** Far above an SMS (message_payload is at most 64 KiB, SMPP 3.4 §5.3.2.32) plus addresses and flags. */
    static final int MAX_SEALED_LENGTH = 256 * 1024;
    static final byte LIVE = 1;
    static final byte STRIPPED = 2;
    /**
     * Stripped at the customer's request while the message may still await its SMSC receipt: after a restart the
     * vault names these messages, whose content it no longer has, so that their receipts are still matched.
     */
    static final byte STRIPPED_BEFORE_FINAL = 3;
    private static final int FIXED_LENGTH = 21;
    static final int MAX_HEADER_LENGTH = ciphertextOffset(MAX_ID_LENGTH);
    static final int MIN_RECORD_LENGTH = recordLength(1, 0);

    static int nonceOffset(int idLength) {
        return FIXED_LENGTH + idLength;
    }

    static int crcOffset(int idLength) {
        return nonceOffset(idLength) + NONCE_LENGTH;
    }

    static int stateOffset(int idLength) {
        return crcOffset(idLength) + 4;
    }

    static int ciphertextOffset(int idLength) {
        return stateOffset(idLength) + 1;
    }

    static int recordLength(int idLength, int sealedLength) {
        int unpadded = ciphertextOffset(idLength) + sealedLength + TAG_LENGTH;
        return (unpadded + ALIGNMENT - 1) & -ALIGNMENT;
    }

    static long align(long position) {
        return (position + ALIGNMENT - 1) & -ALIGNMENT;
    }

    /** Writes the header of a new live record into {@code out} at 0; the nonce must already be at its offset. */
    static void write(ByteBuffer out, int length, long sequence, int sealedLength, byte[] messageId) {
        out.putInt(0, MAGIC).putInt(4, length).putLong(8, sequence).putInt(16, sealedLength)
                .put(20, (byte) messageId.length).put(FIXED_LENGTH, messageId);
        int crcOffset = crcOffset(messageId.length);
        out.putInt(crcOffset, crc(out, 0, crcOffset)).put(crcOffset + 4, LIVE);
    }

    /**
     * Parses the header at {@code index} of a heap buffer (valid bytes up to its limit).
     *
     * @return the header, or {@code null} if no intact record header starts there
     */
    static RecordHeader parse(ByteBuffer in, int index, long position) {
        int available = in.limit() - index;
        if (available < FIXED_LENGTH || in.getInt(index) != MAGIC) {
            return null;
        }
        int length = in.getInt(index + 4);
        int sealedLength = in.getInt(index + 16);
        int idLength = Byte.toUnsignedInt(in.get(index + 20));
        if (idLength == 0 || sealedLength < 0 || sealedLength > MAX_SEALED_LENGTH
                || length != recordLength(idLength, sealedLength) || available < ciphertextOffset(idLength)) {
            return null;
        }
        int crcOffset = crcOffset(idLength);
        if (in.getInt(index + crcOffset) != crc(in, index, crcOffset)) {
            return null;
        }
        String messageId = new String(in.array(), in.arrayOffset() + index + FIXED_LENGTH, idLength,
                StandardCharsets.UTF_8);
        return new RecordHeader(position, length, in.getLong(index + 8), sealedLength, messageId, idLength,
                in.get(index + stateOffset(idLength)));
    }

    private static int crc(ByteBuffer buffer, int index, int length) {
        CRC32C crc = new CRC32C();
        crc.update(buffer.array(), buffer.arrayOffset() + index, length);
        return (int) crc.getValue();
    }
}
