package dev.ebb.metadata;

/** Field checks shared by the value records; messages name the field and the allowed range, never the content. */
final class Fields {
    private Fields() {
    }

    static <T> T requireNonNull(String field, T value) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is mandatory but missing");
        }
        return value;
    }

    static void requireRange(String field, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(field + " must be in " + min + ".." + max + ", was " + value);
        }
    }

    /** Printable ASCII (0x20..0x7E), {@code min..max} characters. */
    static void requireAscii(String field, String value, int min, int max) {
        requireNonNull(field, value);
        if (value.length() < min || value.length() > max) {
            throw new IllegalArgumentException(field + " must be " + min + ".." + max + " characters, was "
                    + value.length());
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                throw new IllegalArgumentException(field + " must be printable ASCII, has a character 0x"
                        + Integer.toHexString(c) + " at " + i);
            }
        }
    }

    static void requireOptionalAscii(String field, String value, int max) {
        if (value != null) {
            requireAscii(field, value, 1, max);
        }
    }

    /**
     * Null, or 1..{@code max} Unicode characters (code points) of well-formed UTF-16 with no control character (C0,
     * DEL, C1): text a person typed, safe to show and to write into a log line or a CSV cell.
     */
    static void requireOptionalText(String field, String value, int max) {
        if (value == null) {
            return;
        }
        int length = value.codePointCount(0, value.length());
        if (length < 1 || length > max) {
            throw new IllegalArgumentException(field + " must be 1.." + max + " characters, was " + length);
        }
        for (int i = 0; i < value.length(); ) {
            int c = value.codePointAt(i);
            if (Character.isISOControl(c) || Character.getType(c) == Character.SURROGATE) {
                throw new IllegalArgumentException(field + " must have no control character or lone surrogate, has"
                        + " U+" + String.format("%04X", c) + " at " + i);
            }
            i += Character.charCount(c);
        }
    }
}
