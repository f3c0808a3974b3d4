package dev.ebb.gateway.core;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * The alphabets of SMPP 3.4 §5.2.19 data_coding that Ebb handles, with their conversions between the payload
 * octets SMPP carries and text.
 *
 * <p>Lengths are counted in the unit an SMS is limited in: GSM septets (extension characters count two, 3GPP TS
 * 23.038 §6.2.1.1), UTF-16 code units for UCS-2 (a surrogate pair counts two), octets otherwise.
 *
 * <p>Binary payloads have no text; {@link #decode} and {@link #encode} represent them as lowercase hex so that the
 * HTTP API can carry them.
 */
public enum DataCoding {
    /** 0x00 SMSC default alphabet: GSM 03.38 7-bit, unpacked one septet per octet as SMPP carries it. */
    GSM7(0x00, 160, 153),
    /** 0x01 IA5 (CCITT T.50) / ASCII, one character per octet. */
    ASCII(0x01, 140, 134),
    /** 0x02 and 0x04 8-bit binary; also the message-class group with bit 2 set. */
    BINARY(0x04, 140, 134),
    /** 0x03 Latin-1 (ISO-8859-1). */
    LATIN1(0x03, 140, 134),
    /** 0x08 UCS-2, big-endian; carries UTF-16 so characters outside the BMP travel as surrogate pairs. */
    UCS2(0x08, 70, 67);

    private static final HexFormat HEX = HexFormat.of();

    private final int value;
    private final int singleCapacity;
    private final int segmentCapacity;

    DataCoding(int value, int singleCapacity, int segmentCapacity) {
        this.value = value;
        this.singleCapacity = singleCapacity;
        this.segmentCapacity = segmentCapacity;
    }

    /**
     * Interprets an SMPP data_coding octet (SMPP 3.4 §5.2.19; 0xF0..0xFF is the GSM "data coding/message class"
     * group of 3GPP TS 23.038 §4, where bit 2 selects 8-bit data over the default alphabet).
     *
     * @throws UnsupportedDataCodingException for every other value (the SMPP ingress answers ESME_RSUBMITFAIL)
     */
    public static DataCoding of(int dataCoding) {
        return switch (dataCoding) {
            case 0x00 -> GSM7;
            case 0x01 -> ASCII;
            case 0x02, 0x04 -> BINARY;
            case 0x03 -> LATIN1;
            case 0x08 -> UCS2;
            default -> {
                if (dataCoding >= 0xF0 && dataCoding <= 0xFF) {
                    yield (dataCoding & 0x04) != 0 ? BINARY : GSM7;
                }
                throw new UnsupportedDataCodingException(dataCoding);
            }
        };
    }

    /** GSM 7-bit when every character of the text is in the default alphabet or its extension, else UCS-2. */
    public static DataCoding forText(String text) {
        return isGsm7(text) ? GSM7 : UCS2;
    }

    /** Whether every character is in the GSM 03.38 default alphabet or its extension table. */
    public static boolean isGsm7(String text) {
        return Gsm7.firstUnencodable(text) < 0;
    }

    /**
     * The canonical data_coding octet to send for this alphabet (0x04 for binary). Where the customer's exact
     * octet matters (message class), forward the octet received rather than this.
     */
    public int value() {
        return value;
    }

    /** Whether the payload is text; {@link #BINARY} is represented as hex. */
    public boolean isText() {
        return this != BINARY;
    }

    /** Units (see {@link #length}) that fit one SMS without a user data header. */
    public int singleSegmentCapacity() {
        return singleCapacity;
    }

    /** Units that fit one segment after a 6-octet concatenation header (3GPP TS 23.040 §9.2.3.24.1). */
    public int concatenatedSegmentCapacity() {
        return segmentCapacity;
    }

    /**
     * Decodes a payload (without user data header) to text.
     *
     * @throws InvalidContentException when the octets are not well formed in this coding
     */
    public String decode(byte[] payload) {
        return switch (this) {
            case GSM7 -> Gsm7.decode(payload);
            case ASCII -> ascii(payload);
            case BINARY -> HEX.formatHex(payload);
            case LATIN1 -> new String(payload, StandardCharsets.ISO_8859_1);
            case UCS2 -> ucs2(payload);
        };
    }

    /**
     * Encodes text to the payload octets SMPP carries.
     *
     * @throws InvalidContentException when a character has no encoding here (by index, never by value)
     */
    public byte[] encode(String text) {
        return switch (this) {
            case GSM7 -> Gsm7.encode(text);
            case ASCII -> narrow(text, 0x7F, "ASCII");
            case BINARY -> hex(text);
            case LATIN1 -> narrow(text, 0xFF, "Latin-1");
            case UCS2 -> ucs2(text);
        };
    }

    /** Whether {@link #encode} accepts the text. */
    public boolean canEncode(String text) {
        return switch (this) {
            case GSM7 -> isGsm7(text);
            case ASCII -> text.chars().allMatch(c -> c <= 0x7F);
            case BINARY -> text.length() % 2 == 0 && text.chars().allMatch(c -> Character.digit(c, 16) >= 0);
            case LATIN1 -> text.chars().allMatch(c -> c <= 0xFF);
            case UCS2 -> true;
        };
    }

    /**
     * Length of the text in this coding's units: septets, UTF-16 code units (UCS-2) or octets (binary: hex / 2).
     * Meaningful for text {@link #canEncode} accepts.
     */
    public int length(String text) {
        return switch (this) {
            case GSM7 -> Gsm7.septetCount(text);
            case BINARY -> text.length() / 2;
            case ASCII, LATIN1, UCS2 -> text.length();
        };
    }

    private static String ascii(byte[] payload) {
        for (int i = 0; i < payload.length; i++) {
            if (payload[i] < 0) {
                throw new InvalidContentException("octet " + i + " is not IA5/ASCII");
            }
        }
        return new String(payload, StandardCharsets.US_ASCII);
    }

    private static byte[] narrow(String text, int max, String name) {
        byte[] out = new byte[text.length()];
        for (int i = 0; i < out.length; i++) {
            char c = text.charAt(i);
            if (c > max) {
                throw new InvalidContentException("text has a character outside " + name + " at index " + i);
            }
            out[i] = (byte) c;
        }
        return out;
    }

    private static byte[] hex(String text) {
        try {
            return HEX.parseHex(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidContentException("binary content must be an even number of hex digits");
        }
    }

    /** Copies code units as they are: a surrogate pair split across segments must survive until reassembly. */
    private static String ucs2(byte[] payload) {
        if (payload.length % 2 != 0) {
            throw new InvalidContentException("UCS-2 payload has an odd length of " + payload.length + " octets");
        }
        char[] units = new char[payload.length / 2];
        for (int i = 0; i < units.length; i++) {
            units[i] = (char) ((payload[2 * i] & 0xFF) << 8 | payload[2 * i + 1] & 0xFF);
        }
        return new String(units);
    }

    private static byte[] ucs2(String text) {
        byte[] out = new byte[text.length() * 2];
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out[2 * i] = (byte) (c >> 8);
            out[2 * i + 1] = (byte) c;
        }
        return out;
    }
}
