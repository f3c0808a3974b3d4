package dev.ebb.gateway.core;

/**
 * The GSM 7-bit default alphabet and its extension table (3GPP TS 23.038 §6.2.1 and §6.2.1.1), unpacked: one septet
 * per octet, as SMPP carries data_coding 0 (SMPP 3.4 §5.2.19; packing is the SMSC's business).
 */
final class Gsm7 {
    /** Escape to the extension table (TS 23.038 §6.2.1.1). */
    static final int ESCAPE = 0x1B;

    /** Basic table indexed by septet; the escape position holds a placeholder that is never encoded. */
    private static final String BASIC =
            "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001BÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    /** Extension table: septet after ESC → character (TS 23.038 §6.2.1.1, default language). */
    private static final char[] EXTENSION = new char[128];

    /**
     * char → encoding: 0 = not encodable, 1..128 = basic septet + 1, 0x100 | septet = extension septet.
     * A dense table because this sits on the HTTP ingest path.
     */
    private static final short[] ENCODE = new short[Character.MAX_VALUE + 1];

    static {
        String ext = "\f^{}\\[~]|€";
        int[] codes = {0x0A, 0x14, 0x28, 0x29, 0x2F, 0x3C, 0x3D, 0x3E, 0x40, 0x65};
        for (int i = 0; i < codes.length; i++) {
            EXTENSION[codes[i]] = ext.charAt(i);
            ENCODE[ext.charAt(i)] = (short) (0x100 | codes[i]);
        }
        for (int septet = 0; septet < 128; septet++) {
            if (septet != ESCAPE) {
                ENCODE[BASIC.charAt(septet)] = (short) (septet + 1);
            }
        }
    }

    private Gsm7() {
    }

    /** Septets needed for {@code c}: 1 (basic), 2 (escape + extension) or 0 when not in the alphabet. */
    static int septets(char c) {
        int code = ENCODE[c];
        return code == 0 ? 0 : code > 0xFF ? 2 : 1;
    }

    /** Index of the first character not in the alphabet, or -1. */
    static int firstUnencodable(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            if (ENCODE[text.charAt(i)] == 0) {
                return i;
            }
        }
        return -1;
    }

    /** Septets needed for the whole text, extension characters counting two; the text must be encodable. */
    static int septetCount(CharSequence text) {
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            n += septets(text.charAt(i));
        }
        return n;
    }

    static byte[] encode(String text) {
        int bad = firstUnencodable(text);
        if (bad >= 0) {
            throw new InvalidContentException("text has a character outside the GSM 03.38 default alphabet at index " + bad);
        }
        byte[] out = new byte[septetCount(text)];
        int o = 0;
        for (int i = 0; i < text.length(); i++) {
            int code = ENCODE[text.charAt(i)];
            if (code > 0xFF) {
                out[o++] = ESCAPE;
                out[o++] = (byte) (code & 0x7F);
            } else {
                out[o++] = (byte) (code - 1);
            }
        }
        return out;
    }

    static String decode(byte[] septets) {
        StringBuilder text = new StringBuilder(septets.length);
        for (int i = 0; i < septets.length; i++) {
            int septet = septet(septets, i);
            if (septet != ESCAPE) {
                text.append(BASIC.charAt(septet));
            } else if (i + 1 == septets.length) {
                // TS 23.038 §6.2.1.1: an escape the receiver cannot resolve is shown as a space.
                text.append(' ');
            } else {
                int next = septet(septets, ++i);
                char ext = EXTENSION[next];
                // TS 23.038 §6.2.1.1: an unknown extension code shows the basic table's character; ESC ESC as space.
                text.append(ext != 0 ? ext : next == ESCAPE ? ' ' : BASIC.charAt(next));
            }
        }
        return text.toString();
    }

    private static int septet(byte[] septets, int i) {
        int septet = septets[i] & 0xFF;
        if (septet > 0x7F) {
            throw new InvalidContentException("octet " + i + " is not a GSM 7-bit septet (unpacked, one per octet)");
        }
        return septet;
    }
}
