package dev.ebb.metadata;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The compact binary layout of a stored record (big-endian, versions 1 and 2). Fixed header, then length-prefixed
 * ASCII fields, then the sealed identifiers ({@link DayCrypto}), then a 2-byte trailer that lets {@code verify} tell a
 * torn (partly written) record from an altered one. Version 2 is version 1 with the customer's reference after the
 * SMSC's message id; a record without a reference is still written as version 1, byte for byte as before, so a store
 * that never saw a reference stays readable by an Ebb that predates them, and recovery's re-encoding of an old record
 * gives its index keys unchanged.
 *
 * <pre>
 *  0 u8 layout version   1 u8 event type   2 u8 channel   3 u8 flags (bit0 validUntil, bit1 clientIp)
 *  4 i64 eventTime ms   12 i64 validUntil ms   20 u8 segIndex  21 u8 segCount  22 u16 concatRef
 * 24 u8 data_coding  25 u8 source TON  26 u8 source NPI  27 u8 reserved(0)  28 i32 command_status  32 u16 error
 * 34 messageId, customerId, systemId, route, smscMessageId: u8 length + ASCII (length 0 = absent)
 *    version 2 only: reference: u16 length + UTF-8 (in clear: the customer's own label, not content, no number)
 *    source, destination [, clientIp]: tag(16) u8 length ciphertext
 *    trailer 0xEB 0xB1
 * </pre>
 */
final class RecordCodec {
    static final int VERSION = 1;
    static final int VERSION_WITH_REFERENCE = 2;
    static final int MAX_ENCODED = 1024;
    static final int KEY_SOURCE = 0;
    static final int KEY_DESTINATION = 1;
    static final int KEY_MESSAGE = 2;
    static final int KEY_CUSTOMER = 3;
    /** Only in an ACCEPTED record with a reference: one entry per segment is all a search by reference needs. */
    static final int KEY_REFERENCE = 4;
    /** Index keys of a record without a reference. */
    static final int KEY_COUNT = 4;
    /** The most index keys a record has. */
    static final int MAX_KEYS = 5;
    private static final byte TRAILER_0 = (byte) 0xEB;
    private static final byte TRAILER_1 = (byte) 0xB1;
    private static final int FLAG_VALID_UNTIL = 1;
    private static final int FLAG_CLIENT_IP = 2;

    private RecordCodec() {
    }

    /**
     * Encodes {@code r} into {@code out} (cleared first) and fills {@code keys} (at least {@link #MAX_KEYS} long) with
     * its index keys.
     *
     * @return how many of {@code keys} are the record's
     */
    static int encode(TrafficRecord r, DayCrypto crypto, ByteBuffer out, long[] keys) {
        out.clear();
        int flags = (r.validUntil() != null ? FLAG_VALID_UNTIL : 0) | (r.clientIp() != null ? FLAG_CLIENT_IP : 0);
        out.put((byte) (r.reference() == null ? VERSION : VERSION_WITH_REFERENCE)).put((byte) r.eventType().code()).put((byte) r.channel().code()).put((byte) flags);
        out.putLong(r.eventTime().toEpochMilli());
        out.putLong(r.validUntil() == null ? 0 : r.validUntil().toEpochMilli());
        out.put((byte) r.segmentIndex()).put((byte) r.segmentCount()).putShort((short) r.concatRef());
        out.put((byte) r.dataCoding()).put((byte) r.source().ton()).put((byte) r.source().npi()).put((byte) 0);
        out.putInt(r.commandStatus()).putShort((short) r.errorCode());
        putAscii(out, r.messageId());
        putAscii(out, r.customerId());
        putAscii(out, r.systemId());
        putAscii(out, r.route());
        putAscii(out, r.smscMessageId());
        if (r.reference() != null) {
            byte[] reference = r.reference().getBytes(StandardCharsets.UTF_8);
            out.putShort((short) reference.length).put(reference);
        }
        crypto.sealAscii(DayCrypto.KIND_SOURCE, r.source().value(), out);
        keys[KEY_SOURCE] = crypto.sourceIndexKey(r.source());
        keys[KEY_DESTINATION] = crypto.sealAscii(DayCrypto.KIND_DESTINATION, r.destination(), out);
        if (r.clientIp() != null) {
            crypto.sealAddress(r.clientIp(), out);
        }
        out.put(TRAILER_0).put(TRAILER_1);
        keys[KEY_MESSAGE] = crypto.indexKey(DayCrypto.KIND_MESSAGE_ID, r.messageId());
        keys[KEY_CUSTOMER] = crypto.indexKey(DayCrypto.KIND_CUSTOMER, r.customerId());
        out.flip();
        if (r.reference() != null && r.eventType() == EventType.ACCEPTED) {
            keys[KEY_REFERENCE] = referenceKey(crypto, r.customerId(), r.reference());
            return MAX_KEYS;
        }
        return KEY_COUNT;
    }

    /**
     * The index key of a customer's reference: keyed by the customer too, as two customers' references are each their
     * own, and blind like every other key (keyed under the day secret), though the reference itself is in clear.
     */
    static long referenceKey(DayCrypto crypto, String customerId, String reference) {
        return crypto.indexKey(DayCrypto.KIND_REFERENCE, (customerId + '\n' + reference)
                .getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Decodes a stored record.
     *
     * @throws CorruptRecordException if the bytes are not a well-formed version-1 or -2 record or an identifier does not
     *                                authenticate
     */
    static TrafficRecord decode(ByteBuffer in, DayCrypto crypto) {
        try {
            checkFraming(in);
            int version = in.get() & 0xFF;
            EventType type = EventType.ofCode(in.get() & 0xFF);
            Channel channel = Channel.ofCode(in.get() & 0xFF);
            int flags = in.get() & 0xFF;
            Instant eventTime = Instant.ofEpochMilli(in.getLong());
            long validUntil = in.getLong();
            int segIndex = in.get() & 0xFF;
            int segCount = in.get() & 0xFF;
            int concatRef = in.getShort() & 0xFFFF;
            int dataCoding = in.get() & 0xFF;
            int ton = in.get() & 0xFF;
            int npi = in.get() & 0xFF;
            in.get();
            int status = in.getInt();
            int error = in.getShort() & 0xFFFF;
            String messageId = getAscii(in);
            String customerId = getAscii(in);
            String systemId = getAscii(in);
            String route = getAscii(in);
            String smscId = getAscii(in);
            String reference = null;
            if (version == VERSION_WITH_REFERENCE) {
                byte[] b = new byte[in.getShort() & 0xFFFF];
                in.get(b);
                reference = new String(b, StandardCharsets.UTF_8);
            }
            String source = crypto.openAscii(DayCrypto.KIND_SOURCE, in);
            String destination = crypto.openAscii(DayCrypto.KIND_DESTINATION, in);
            InetAddress ip = null;
            if ((flags & FLAG_CLIENT_IP) != 0) {
                ip = InetAddress.getByAddress(crypto.open(DayCrypto.KIND_CLIENT_IP, in));
            }
            if (in.remaining() != 2) {
                throw new CorruptRecordException("record layout version " + version + " or length not understood");
            }
            return new TrafficRecord(type, eventTime, messageId, customerId, channel, systemId, ip,
                    new SourceAddress(source, ton, npi), destination, segIndex, segCount, concatRef, dataCoding,
                    route, smscId, status, error, (flags & FLAG_VALID_UNTIL) != 0 ? Instant.ofEpochMilli(validUntil)
                            : null, reference);
        } catch (BufferUnderflowException | IllegalArgumentException | IllegalStateException
                 | UnknownHostException e) {
            throw new CorruptRecordException("malformed record: " + e.getMessage());
        }
    }

    /**
     * Checks version byte and trailer, which a write cut short by a crash leaves missing (the rest of a torn record
     * is zero-filled, as Chronicle pre-allocates its files).
     */
    static void checkFraming(ByteBuffer in) {
        int limit = in.limit();
        byte version = in.remaining() < 36 ? 0 : in.get(in.position());
        if ((version != VERSION && version != VERSION_WITH_REFERENCE) || in.get(limit - 2) != TRAILER_0
                || in.get(limit - 1) != TRAILER_1) {
            throw new CorruptRecordException("record is torn or not a version-" + VERSION + " or -"
                    + VERSION_WITH_REFERENCE + " record");
        }
    }

    /** True if the bytes are not framed as a record: a write cut short, or not a record of this layout. */
    static boolean isTorn(byte[] bytes) {
        try {
            checkFraming(ByteBuffer.wrap(bytes));
            return false;
        } catch (CorruptRecordException e) {
            return true;
        }
    }

    private static void putAscii(ByteBuffer out, String s) {
        if (s == null) {
            out.put((byte) 0);
            return;
        }
        int n = s.length();
        int pos = out.position();
        byte[] a = out.array();
        a[pos] = (byte) n;
        // Straight into the backing array: a per-byte ByteBuffer.put was a fifth of the append's cost.
        for (int i = 0; i < n; i++) {
            a[pos + 1 + i] = (byte) s.charAt(i);
        }
        out.position(pos + 1 + n);
    }

    private static String getAscii(ByteBuffer in) {
        int len = in.get() & 0xFF;
        if (len == 0) {
            return null;
        }
        byte[] b = new byte[len];
        in.get(b);
        return new String(b, StandardCharsets.US_ASCII);
    }
}
