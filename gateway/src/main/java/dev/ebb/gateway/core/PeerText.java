package dev.ebb.gateway.core;

import dev.ebb.model.Msisdn;
import java.util.regex.Pattern;

/**
 * Text a peer chose (an SMPP system_id, a segment of an HTTP path), made safe for a log line: a value that may be a
 * phone number is masked like one (DESIGN.md invariant 1), anything else has its control and non-ASCII characters
 * escaped, so no peer can forge a log line with CR/LF or hide in terminal escapes (issue 9, item 13).
 */
public final class PeerText {
    /**
     * Six digits in a row may be (part of) a phone number, also written with a separator between digits as people
     * and forms do ({@code 0047-900-00-001}, {@code +47 900 00 001}, {@code (47) 900.00.001}).
     */
    private static final Pattern NUMBER_LIKE = Pattern.compile("[0-9](?:[ .()/-]?[0-9]){5,}");
    /** SMPP 3.4 §5.2.1 system_id is at most 15 octets; what a decoder lets through longer is cut. */
    private static final int MAX_LENGTH = 32;

    private PeerText() {
    }

    public static String forLog(String text) {
        if (text == null) {
            return "null";
        }
        if (NUMBER_LIKE.matcher(text).find()) {
            return Msisdn.mask(text);
        }
        StringBuilder safe = new StringBuilder(Math.min(text.length(), MAX_LENGTH) + 8);
        for (int i = 0; i < text.length() && i < MAX_LENGTH; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\r' -> safe.append("\\r");
                case '\n' -> safe.append("\\n");
                case '\t' -> safe.append("\\t");
                case '\\' -> safe.append("\\\\");
                default -> {
                    if (c >= 0x20 && c < 0x7F) {
                        safe.append(c);
                    } else {
                        safe.append(String.format("\\u%04x", (int) c));
                    }
                }
            }
        }
        return text.length() > MAX_LENGTH ? safe.append("...").toString() : safe.toString();
    }
}
