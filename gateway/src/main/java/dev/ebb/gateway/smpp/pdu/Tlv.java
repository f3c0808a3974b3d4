package dev.ebb.gateway.smpp.pdu;

import java.util.Arrays;

/** An optional parameter (SMPP 3.4 §3.2.4, §5.3): tag, length, value. */
public record Tlv(short tag, byte[] value) {
    public static final short RECEIPTED_MESSAGE_ID = 0x001E;
    public static final short SAR_MSG_REF_NUM = 0x020C;
    public static final short SAR_TOTAL_SEGMENTS = 0x020E;
    public static final short SAR_SEGMENT_SEQNUM = 0x020F;
    public static final short SC_INTERFACE_VERSION = 0x0210;
    public static final short NETWORK_ERROR_CODE = 0x0423;
    public static final short MESSAGE_PAYLOAD = 0x0424;
    public static final short MESSAGE_STATE = 0x0427;

    public Tlv {
        value = value.clone();
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    /** The value's length without copying it. */
    public int length() {
        return value.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tlv t && t.tag == tag && Arrays.equals(t.value, value);
    }

    @Override
    public int hashCode() {
        return 31 * tag + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        // Values may be message_payload (content): print the tag and length only.
        return String.format("Tlv[0x%04x, %d bytes]", tag, value.length);
    }
}
