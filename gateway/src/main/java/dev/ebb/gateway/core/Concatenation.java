package dev.ebb.gateway.core;

import java.util.Map;
import java.util.Optional;

/**
 * Where one segment sits in a concatenated message, read from a user data header (3GPP TS 23.040 §9.2.3.24.1 and
 * §9.2.3.24.8) or from the SMPP 3.4 sar_* TLVs (§5.3.2.22–24).
 *
 * @param ref   the reference shared by all segments: 0..255, or 0..65535 when {@code ref16}
 * @param ref16 whether the reference is 16-bit (IEI 0x08, or sar_msg_ref_num which is always 16-bit)
 * @param total number of segments, 1..255
 * @param seq   this segment's number, 1..total
 */
public record Concatenation(int ref, boolean ref16, int total, int seq) {
    /** SMPP 3.4 §5.2.12 esm_class bit 6: short_message starts with a user data header. */
    public static final int ESM_CLASS_UDHI = 0x40;
    /** SMPP 3.4 §5.3.2.22–24 TLV tags. */
    public static final short SAR_MSG_REF_NUM = 0x020C;
    public static final short SAR_TOTAL_SEGMENTS = 0x020E;
    public static final short SAR_SEGMENT_SEQNUM = 0x020F;

    /** 3GPP TS 23.040 §9.2.3.24 information element identifiers. */
    private static final int IEI_CONCAT_8 = 0x00;
    private static final int IEI_CONCAT_16 = 0x08;

    public Concatenation {
        if (ref < 0 || ref > (ref16 ? 0xFFFF : 0xFF)) {
            throw new InvalidConcatenationException("concatenation reference " + ref + " out of range for a "
                    + (ref16 ? 16 : 8) + "-bit reference");
        }
        if (total < 1 || total > 255) {
            throw new InvalidConcatenationException("concatenation total " + total + " is not in 1..255");
        }
        if (seq < 1 || seq > total) {
            throw new InvalidConcatenationException("segment number " + seq + " is not in 1.." + total);
        }
    }

    /**
     * Concatenation of a submit_sm/deliver_sm from either its user data header or its sar_* TLVs.
     *
     * @throws InvalidConcatenationException when the header is malformed, the TLVs incomplete, or both disagree
     */
    public static Optional<Concatenation> of(int esmClass, byte[] shortMessage, Map<Short, byte[]> tlvs) {
        Optional<Concatenation> fromUdh = fromShortMessage(esmClass, shortMessage);
        Optional<Concatenation> fromSar = fromSarTlvs(tlvs);
        if (fromUdh.isPresent() && fromSar.isPresent() && !fromUdh.equals(fromSar)) {
            throw new InvalidConcatenationException("user data header and sar_* TLVs describe different concatenations");
        }
        return fromUdh.or(() -> fromSar);
    }

    /** Concatenation from the user data header, if esm_class has UDHI set and the header has a concatenation IE. */
    public static Optional<Concatenation> fromShortMessage(int esmClass, byte[] shortMessage) {
        return (esmClass & ESM_CLASS_UDHI) == 0 ? Optional.empty() : fromUdh(shortMessage);
    }

    /**
     * Concatenation from user data that starts with a header (TS 23.040 §9.2.3.24: UDHL, then IEI/IEDL/IED triples).
     * Other information elements are skipped; if a concatenation IE repeats, the last one counts (§9.2.3.24).
     *
     * @throws InvalidConcatenationException when the header overruns the data or an IE its header
     */
    public static Optional<Concatenation> fromUdh(byte[] userData) {
        int end = headerLength(userData);
        Concatenation found = null;
        int i = 1;
        while (i < end) {
            if (i + 2 > end) {
                throw new InvalidConcatenationException("user data header ends inside an information element at octet " + i);
            }
            int iei = userData[i] & 0xFF;
            int length = userData[i + 1] & 0xFF;
            int data = i + 2;
            if (data + length > end) {
                throw new InvalidConcatenationException("information element 0x" + Integer.toHexString(iei)
                        + " at octet " + i + " overruns the user data header");
            }
            if (iei == IEI_CONCAT_8 || iei == IEI_CONCAT_16) {
                found = concatenationIe(iei, userData, data, length);
            }
            i = data + length;
        }
        return Optional.ofNullable(found);
    }

    /**
     * Octets taken by the user data header (UDHL included) at the start of short_message, 0 without UDHI; what
     * follows is the payload to decode.
     */
    public static int udhLength(int esmClass, byte[] shortMessage) {
        return (esmClass & ESM_CLASS_UDHI) == 0 ? 0 : headerLength(shortMessage);
    }

    /**
     * Concatenation from sar_msg_ref_num (2 octets), sar_total_segments and sar_segment_seqnum (1 octet each).
     *
     * @throws InvalidConcatenationException when only some are present or a length is wrong
     */
    public static Optional<Concatenation> fromSarTlvs(Map<Short, byte[]> tlvs) {
        byte[] ref = tlvs.get(SAR_MSG_REF_NUM);
        byte[] total = tlvs.get(SAR_TOTAL_SEGMENTS);
        byte[] seq = tlvs.get(SAR_SEGMENT_SEQNUM);
        if (ref == null && total == null && seq == null) {
            return Optional.empty();
        }
        if (ref == null || total == null || seq == null) {
            throw new InvalidConcatenationException("sar_msg_ref_num, sar_total_segments and sar_segment_seqnum must come together");
        }
        if (ref.length != 2 || total.length != 1 || seq.length != 1) {
            throw new InvalidConcatenationException("sar_* TLVs must be 2, 1 and 1 octets long (SMPP 3.4 §5.3.2.22-24)");
        }
        return Optional.of(new Concatenation((ref[0] & 0xFF) << 8 | ref[1] & 0xFF, true, total[0] & 0xFF, seq[0] & 0xFF));
    }

    /** This concatenation as a complete user data header (UDHL included), to put in front of a segment's payload. */
    public byte[] toUdh() {
        if (ref16) {
            return new byte[] {6, IEI_CONCAT_16, 4, (byte) (ref >> 8), (byte) ref, (byte) total, (byte) seq};
        }
        return new byte[] {5, IEI_CONCAT_8, 3, (byte) ref, (byte) total, (byte) seq};
    }

    private static int headerLength(byte[] userData) {
        if (userData == null || userData.length == 0) {
            throw new InvalidConcatenationException("UDHI is set but the short message is empty");
        }
        int end = 1 + (userData[0] & 0xFF);
        if (end > userData.length) {
            throw new InvalidConcatenationException("user data header length " + (end - 1) + " overruns the "
                    + userData.length + "-octet short message");
        }
        return end;
    }

    private static Concatenation concatenationIe(int iei, byte[] udh, int at, int length) {
        boolean sixteen = iei == IEI_CONCAT_16;
        if (length != (sixteen ? 4 : 3)) {
            throw new InvalidConcatenationException("concatenation IE 0x0" + iei + " has length " + length
                    + ", expected " + (sixteen ? 4 : 3));
        }
        int ref = sixteen ? (udh[at] & 0xFF) << 8 | udh[at + 1] & 0xFF : udh[at] & 0xFF;
        int offset = sixteen ? 2 : 1;
        return new Concatenation(ref, sixteen, udh[at + offset] & 0xFF, udh[at + offset + 1] & 0xFF);
    }
}
