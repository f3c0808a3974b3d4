package dev.ebb.model;

import java.util.Optional;

/**
 * A handset number in E.164 form: {@code +} and 8 to 15 digits, the first not 0 (ITU-T E.164 §6: country codes
 * start with 1..9, at most 15 digits).
 *
 * <p>{@link #toString()} is masked so that a number logged by accident is still masked (DESIGN.md invariant 1);
 * use {@link #e164()} where the full number is needed.
 *
 * @param e164 the number, e.g. {@code +4790000000}
 */
public record Msisdn(String e164) {
    /** SMPP 3.4 §5.2.5 type_of_number values Ebb reads. */
    static final int TON_UNKNOWN = 0;
    static final int TON_INTERNATIONAL = 1;
    static final int TON_NATIONAL = 2;
    /** SMPP 3.4 §5.2.6 numbering_plan_indicator values that carry E.164 numbers. */
    static final int NPI_UNKNOWN = 0;
    static final int NPI_E164 = 1;

    private static final int MIN_DIGITS = 8;
    private static final int MAX_DIGITS = 15;

    public Msisdn {
        if (e164 == null || !isE164(e164)) {
            throw new InvalidAddressException("not an E.164 number (+ and 8..15 digits): " + mask(e164));
        }
    }

    /**
     * Normalises an SMPP address (SMPP 3.4 §5.2.5 TON, §5.2.6 NPI) to E.164. Spaces and dashes are ignored.
     * <ul>
     *   <li>TON 1 (international): the digits, optionally after {@code +} or {@code 00};</li>
     *   <li>TON 0 (unknown): only with a leading {@code +} or {@code 00}, anything else is ambiguous;</li>
     *   <li>TON 2 (national): one leading trunk {@code 0} is dropped and {@code defaultCountryCode} put in front;
     *       refused when no default country code is configured.</li>
     * </ul>
     * NPI must be 0 (unknown) or 1 (ISDN/E.164).
     *
     * @param defaultCountryCode digits of the country code for national numbers ({@code "47"}), if configured
     * @throws InvalidAddressException with a message naming the rule broken and the masked address
     */
    public static Msisdn fromSmpp(int ton, int npi, String address, Optional<String> defaultCountryCode) {
        if (npi != NPI_UNKNOWN && npi != NPI_E164) {
            throw new InvalidAddressException("numbering plan " + npi + " is not E.164 (NPI 0 or 1) for " + mask(address));
        }
        String cleaned = strip(address);
        return switch (ton) {
            case TON_INTERNATIONAL -> international(cleaned, true);
            case TON_UNKNOWN -> international(cleaned, false);
            case TON_NATIONAL -> national(cleaned, defaultCountryCode);
            default -> throw new InvalidAddressException(
                    "type of number " + ton + " is not a handset number (TON 0, 1 or 2) for " + mask(address));
        };
    }

    /** Parses a number written with {@code +} or {@code 00} in front (the HTTP API), ignoring spaces and dashes. */
    public static Msisdn parse(String number) {
        return international(strip(number), false);
    }

    /**
     * The E.164 form of a number written with {@code +} or {@code 00} in front, the one rule of ingress, records
     * and compliance queries alike.
     *
     * @throws InvalidAddressException if it is not one (the message masks the input)
     */
    public static String normalise(String number) {
        return parse(number).e164();
    }

    /**
     * Reads a number as the store holds it: {@code +} or {@code 00} optional (a TON 1 address carries bare digits),
     * spaces, dashes and dots ignored, 1..15 digits. Only for values already accepted once (a record's
     * destination, an indexed source): the index keys of existing data are derived from this reading, so it stays as
     * the store has always read them; what people type goes through {@link #parse}, {@link #normalise} and
     * {@link #fromSmpp}.
     */
    public static Optional<String> storedForm(String number) {
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
        if (n < 1 || n > MAX_DIGITS || digits.charAt(1) == '0') {
            return Optional.empty();
        }
        return Optional.of(digits.toString());
    }

    /** The digits without {@code +}, as routing prefixes are written. */
    public String digits() {
        return e164.substring(1);
    }

    /** The number masked for logs, e.g. {@code +4790***000}. */
    public String masked() {
        return mask(e164);
    }

    @Override
    public String toString() {
        return masked();
    }

    /**
     * Masks anything that might be a number, for logs: keeps a leading {@code +}, at most 4 leading and 3 trailing
     * characters, and always at least 3 hidden ones, then writes {@code ***} whatever the hidden length
     * ({@code +4790***000}, {@code +12***678}, {@code ***}). Characters other than printable ASCII become {@code ?}
     * (no log injection); {@code null} becomes {@code "null"}.
     */
    public static String mask(String anything) {
        if (anything == null) {
            return "null";
        }
        int start = anything.startsWith("+") ? 1 : 0;
        int n = anything.length() - start;
        int head = Math.min(4, Math.max(0, n - 6));
        int tail = Math.min(3, Math.max(0, n - head - 3));
        StringBuilder masked = new StringBuilder(start + head + 3 + tail);
        if (start == 1) {
            masked.append('+');
        }
        appendPrintable(masked, anything, start, start + head);
        masked.append("***");
        appendPrintable(masked, anything, anything.length() - tail, anything.length());
        return masked.toString();
    }

    private static void appendPrintable(StringBuilder to, String from, int begin, int end) {
        for (int i = begin; i < end; i++) {
            char c = from.charAt(i);
            to.append(c >= 0x20 && c < 0x7F ? c : '?');
        }
    }

    private static Msisdn international(String cleaned, boolean tonInternational) {
        String digits;
        if (cleaned.startsWith("+")) {
            digits = cleaned.substring(1);
        } else if (cleaned.startsWith("00")) {
            digits = cleaned.substring(2);
        } else if (tonInternational) {
            digits = cleaned;
        } else {
            throw new InvalidAddressException(
                    "number of unknown type needs a leading + or 00 (or TON 1 international): " + mask(cleaned));
        }
        return new Msisdn("+" + digits);
    }

    private static Msisdn national(String cleaned, Optional<String> defaultCountryCode) {
        String countryCode = defaultCountryCode.orElseThrow(() -> new InvalidAddressException(
                "national number (TON 2) needs a default country code and none is configured: " + mask(cleaned)));
        if (!countryCode.matches("[1-9][0-9]{0,2}")) {
            throw new IllegalArgumentException("default country code must be 1..3 digits not starting with 0");
        }
        // A national number is written with one trunk prefix 0 in most of Europe (ITU-T E.164 Annex A); drop it.
        String significant = cleaned.startsWith("0") ? cleaned.substring(1) : cleaned;
        if (significant.startsWith("0")) {
            throw new InvalidAddressException("national number (TON 2) starts with an international prefix: " + mask(cleaned));
        }
        return new Msisdn("+" + countryCode + significant);
    }

    private static String strip(String address) {
        if (address == null || address.isEmpty()) {
            throw new InvalidAddressException("address is empty");
        }
        StringBuilder kept = new StringBuilder(address.length());
        for (int i = 0; i < address.length(); i++) {
            char c = address.charAt(i);
            if (c != ' ' && c != '-') {
                kept.append(c);
            }
        }
        return kept.toString();
    }

    /** {@code +} and 8..15 digits, the first not 0: what the record's constructor takes. */
    public static boolean isE164(String s) {
        int digits = s.length() - 1;
        if (digits < MIN_DIGITS || digits > MAX_DIGITS || s.charAt(0) != '+' || s.charAt(1) == '0') {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
