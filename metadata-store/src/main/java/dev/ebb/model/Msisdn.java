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
            throw new InvalidAddressException(AddressRule.NOT_E164, "not an E.164 number (+ and 8..15 digits): "
                    + mask(e164));
        }
    }

    /**
     * Normalises an SMPP address (SMPP 3.4 §4.4.1 dest_addr/source_addr with §5.2.5 TON, §5.2.6 NPI) to E.164, the way
     * the customer's {@code numbering} says. Spaces and dashes are ignored; a leading {@code +} always means
     * international (TON 0, 1 or 2). Normalise, don't reject: clients send E.164 without {@code +} at TON 0 (node-smpp,
     * Cloudhopper, jSMPP on their defaults), 1 or 2 (Kannel).
     * <ul>
     *   <li>TON 1 (international): the digits, optionally after {@code +} or {@code 00};</li>
     *   <li>TON 0 (unknown): after {@code +} or {@code 00} international; with a trunk {@code 0} a national number of
     *       the default country code; other digits as {@link Numbering#unknownTonAs} says (international by
     *       default);</li>
     *   <li>TON 2 (national): with a default country code, one leading trunk {@code 0} is dropped and the country code
     *       put in front; without one, digits without a trunk {@code 0} are E.164 without the {@code +} (Kannel's
     *       way).</li>
     * </ul>
     * NPI must be 0 (unknown) or 1 (ISDN/E.164); every other TON is no handset number.
     *
     * @throws InvalidAddressException with the rule broken ({@link InvalidAddressException#rule()}) and a message
     *                                 that masks the address
     */
    public static Msisdn fromSmpp(int ton, int npi, String address, Numbering numbering) {
        if (npi != NPI_UNKNOWN && npi != NPI_E164) {
            throw new InvalidAddressException(AddressRule.NUMBERING_PLAN, "numbering plan " + npi
                    + " is not E.164 (NPI 0 or 1) for " + mask(address));
        }
        if (ton != TON_UNKNOWN && ton != TON_INTERNATIONAL && ton != TON_NATIONAL) {
            throw new InvalidAddressException(AddressRule.TYPE_OF_NUMBER, "type of number " + ton
                    + " is not a handset number (TON 0, 1 or 2) for " + mask(address));
        }
        String cleaned = strip(address);
        if (cleaned.startsWith("+")) {
            return of(cleaned.substring(1));
        }
        return switch (ton) {
            case TON_INTERNATIONAL -> of(cleaned.startsWith("00") ? cleaned.substring(2) : cleaned);
            case TON_UNKNOWN -> unknownType(cleaned, numbering);
            default -> national(cleaned, numbering);
        };
    }

    /**
     * Parses a number as a customer writes it in the HTTP API, read like an SMPP TON 0 address with the customer's
     * {@code numbering}: {@code +4790000001}, {@code 004790000001} and {@code 4790000001} are one number.
     */
    public static Msisdn parse(String number, Numbering numbering) {
        return fromSmpp(TON_UNKNOWN, NPI_E164, number, numbering);
    }

    /**
     * Parses a number without a customer's settings (compliance queries, config): {@code +}, {@code 00} or bare
     * digits, all international; spaces and dashes ignored.
     */
    public static Msisdn parse(String number) {
        return parse(number, Numbering.INTERNATIONAL);
    }

    /**
     * The E.164 form of a number read by {@link #parse(String)}, the one rule of ingress, records and compliance
     * queries alike: a query for {@code 4790000001} finds the records of {@code +4790000001}.
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
        if (isStoredForm(number)) {
            // Every record of a message passes its number through here again (TrafficRecord's constructor): one
            // already in the form this returns is returned itself, not rebuilt.
            return Optional.of(number);
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

    /** {@code +}, a first digit 1..9, then up to 14 more digits: what {@link #storedForm} returns unchanged. */
    private static boolean isStoredForm(String number) {
        int n = number.length();
        if (n < 2 || n > MAX_DIGITS + 1 || number.charAt(0) != '+' || number.charAt(1) == '0') {
            return false;
        }
        for (int i = 1; i < n; i++) {
            char c = number.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
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

    private static Msisdn unknownType(String cleaned, Numbering numbering) {
        if (cleaned.startsWith("00")) {
            return of(cleaned.substring(2));
        }
        if (cleaned.startsWith("0") || numbering.unknownTonAs() == Numbering.UnknownTon.NATIONAL) {
            return national(cleaned, numbering);
        }
        return of(cleaned);
    }

    private static Msisdn national(String cleaned, Numbering numbering) {
        if (cleaned.startsWith("00")) {
            throw new InvalidAddressException(AddressRule.NOT_E164,
                    "national number (TON 2) starts with an international prefix: " + mask(cleaned));
        }
        if (numbering.countryCode().isEmpty()) {
            if (cleaned.startsWith("0")) {
                throw new InvalidAddressException(AddressRule.NO_COUNTRY_CODE, "national number with trunk prefix 0"
                        + " needs a defaultCountryCode and none is configured: " + mask(cleaned));
            }
            return of(cleaned);
        }
        // A national number is written with one trunk prefix 0 in most of Europe (ITU-T E.164 Annex A); drop it.
        String significant = cleaned.startsWith("0") ? cleaned.substring(1) : cleaned;
        return of(numbering.defaultCountryCode() + significant);
    }

    private static Msisdn of(String digits) {
        return new Msisdn("+" + digits);
    }

    private static String strip(String address) {
        if (address == null || address.isEmpty()) {
            throw new InvalidAddressException(AddressRule.EMPTY, "address is empty");
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
