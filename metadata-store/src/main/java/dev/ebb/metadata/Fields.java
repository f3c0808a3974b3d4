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
}
