package dev.ebb.gateway.core;

/** Masks phone numbers for logs and errors (DESIGN.md invariant 1): {@code +4790***000}. */
public final class Masking {
    private Masking() {
    }

    /** Keeps the first four and last three characters when there is something left to hide; shorter values become stars. */
    public static String mask(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        int head = value.startsWith("+") ? 5 : 4;
        if (value.length() <= head + 3) {
            return "*".repeat(value.length());
        }
        return value.substring(0, head) + "***" + value.substring(value.length() - 3);
    }
}
