package dev.ebb.metadata;

import java.util.Optional;

/** E.164 numbers (ITU-T E.164: a country code and national number, at most 15 digits). */
public final class Msisdn {
    private Msisdn() {
    }

    /**
     * Normalises a number to {@code +<digits>}: accepts a leading '+' or international prefix "00", and
     * ignores spaces, dashes and dots.
     *
     * @throws IllegalArgumentException if it is not 1..15 digits after normalisation (the message masks the input)
     */
    public static String normalise(String number) {
        return tryNormalise(number).orElseThrow(() -> new IllegalArgumentException(
                "not an E.164 MSISDN (expected '+' and 1..15 digits): " + mask(number)));
    }

    /**
     * {@link #normalise} without the exception: empty if {@code number} is not a number (an alphanumeric sender id).
     * The store indexes a source address under this form, so it tells which sources are numbers.
     */
    public static Optional<String> tryNormalise(String number) {
        if (number == null) {
            return Optional.empty();
        }
        StringBuilder digits = new StringBuilder(16).append('+');
        int start = 0;
        String s = number.strip();
        if (s.startsWith("+")) {
            start = 1;
        } else if (s.startsWith("00")) {
            start = 2;
        }
        for (int i = start; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                digits.append(c);
            } else if (c != ' ' && c != '-' && c != '.') {
                return Optional.empty();
            }
        }
        int n = digits.length() - 1;
        if (n < 1 || n > 15 || digits.charAt(1) == '0') {
            return Optional.empty();
        }
        return Optional.of(digits.toString());
    }

    /** Masks a number for logs and messages: {@code +4790***000}; short or null input is fully masked. */
    public static String mask(String number) {
        if (number == null) {
            return "null";
        }
        if (number.length() < 8) {
            return "***";
        }
        return number.substring(0, 5) + "***" + number.substring(number.length() - 3);
    }
}
