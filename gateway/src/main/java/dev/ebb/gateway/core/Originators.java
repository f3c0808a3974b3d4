package dev.ebb.gateway.core;

import dev.ebb.metadata.SourceAddress;
import dev.ebb.model.AddressRule;
import dev.ebb.model.InvalidAddressException;
import dev.ebb.model.Msisdn;
import dev.ebb.model.Numbering;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the originator a customer gives (a handset number, an alphanumeric sender id or a short code) into the one
 * source-address model ({@link SourceAddress}, shared with the store), in the form Ebb submits southbound: 1/1 for a
 * number, 5/0 for a sender id, 3/0 for a short code (SMPP 3.4 §5.2.5, §5.2.6). What the value is decides its kind,
 * not the TON it came with: clients send sender ids and short codes at TON 0 (node-smpp, Cloudhopper) or 2 (Kannel).
 */
public final class Originators {
    /** SMPP 3.4 §5.2.5 type_of_number values for the non-E.164 originators. */
    private static final int TON_NETWORK_SPECIFIC = 3;
    private static final int TON_ALPHANUMERIC = 5;
    /** 3GPP TS 23.040 §9.1.2.5: an alphanumeric TP-OA holds at most 11 septets. */
    static final int MAX_ALPHANUMERIC_SEPTETS = 11;
    static final int MAX_SHORT_CODE_DIGITS = 8;
    /** Digits from which a numeric originator at a TON other than 3 is a short code rather than a number. */
    static final int MIN_SHORT_CODE_DIGITS = 3;
    /** SMPP 3.4 §5.2.6: the numbering_plan_indicator values defined; every other value is reserved. */
    private static final Set<Integer> DEFINED_NPIS = Set.of(0, 1, 3, 4, 6, 8, 9, 10, 14, 18);

    private Originators() {
    }

    /**
     * Reads an SMPP source_addr (SMPP 3.4 §4.4.1) with the customer's settings:
     * <ul>
     *   <li>empty: the customer's {@code defaultSender}, if it has one;</li>
     *   <li>TON 5, or any text that is not a number: an alphanumeric sender id of at most 11 GSM 7-bit characters in
     *       printable ASCII;</li>
     *   <li>digits only, 3..8 of them at any TON (1..8 at TON 3): a short code;</li>
     *   <li>longer digits, or {@code +} and digits: a number, read as {@link Msisdn#fromSmpp} reads a destination.</li>
     * </ul>
     * The NPI must be one SMPP 3.4 §5.2.6 defines, and 0 or 1 for a number. What passes can be submitted southbound
     * as it is returned (issue 9: a reserved NPI was accepted, then broke the southbound encoding).
     *
     * @param ton           the type_of_number octet, 0..255
     * @param npi           the numbering_plan_indicator octet, 0..255
     * @param defaultSender what an empty source_addr stands for
     * @throws InvalidAddressException (the caller answers ESME_RINVSRCADR)
     */
    public static SourceAddress fromSmpp(int ton, int npi, String address, Numbering numbering,
                                         Optional<SourceAddress> defaultSender) {
        if (address == null || address.isEmpty()) {
            return defaultSender.orElseThrow(() -> new InvalidAddressException(AddressRule.EMPTY,
                    "source address is empty and the customer has no defaultSender"));
        }
        if (!DEFINED_NPIS.contains(npi)) {
            throw new InvalidAddressException(AddressRule.NUMBERING_PLAN, "numbering plan " + npi
                    + " is reserved (SMPP 3.4 §5.2.6)");
        }
        if (ton == TON_ALPHANUMERIC) {
            // The customer said it is a sender id: digits too ("12345" as a name) are shown as given.
            return alphanumeric(address);
        }
        String digits = numeric(address);
        if (digits == null) {
            return alphanumeric(address);
        }
        if (ton == TON_NETWORK_SPECIFIC && !digits.startsWith("+")) {
            return shortCode(digits);
        }
        if (!digits.startsWith("+") && digits.length() >= MIN_SHORT_CODE_DIGITS
                && digits.length() <= MAX_SHORT_CODE_DIGITS) {
            return shortCode(digits);
        }
        return SourceAddress.of(Msisdn.fromSmpp(ton, npi, digits, numbering));
    }

    /**
     * Reads a sender as a customer writes it in the HTTP API ({@code from}): the rules of {@link #fromSmpp} for an
     * address of unknown type (TON 0, NPI 1).
     */
    public static SourceAddress fromText(String from, Numbering numbering, Optional<SourceAddress> defaultSender) {
        return fromSmpp(0, 1, from, numbering, defaultSender);
    }

    /** An alphanumeric sender id (TON 5, NPI 0): 1..11 printable GSM 03.38 characters, ASCII. */
    public static SourceAddress alphanumeric(String value) {
        requireAlphanumeric(value);
        return SourceAddress.alphanumeric(value);
    }

    /** A network-specific short code (TON 3, NPI 0): 1..8 digits. */
    public static SourceAddress shortCode(String value) {
        if (value == null || !value.matches("[0-9]{1," + MAX_SHORT_CODE_DIGITS + "}")) {
            throw new InvalidAddressException(AddressRule.SHORT_CODE, "short code must be 1..8 digits: "
                    + Msisdn.mask(value));
        }
        return new SourceAddress(value, TON_NETWORK_SPECIFIC, 0);
    }

    /** A short code as the MO numbers of a customer may hold one: 3..8 digits. */
    public static boolean isShortCode(String value) {
        return value != null && value.matches("[0-9]{" + MIN_SHORT_CODE_DIGITS + "," + MAX_SHORT_CODE_DIGITS + "}");
    }

    /**
     * The digits of an address that is a number ({@code +} optional, spaces and dashes between digits ignored), or
     * null when it is text.
     */
    private static String numeric(String address) {
        StringBuilder kept = new StringBuilder(address.length());
        for (int i = 0; i < address.length(); i++) {
            char c = address.charAt(i);
            if (c >= '0' && c <= '9' || c == '+' && i == 0) {
                kept.append(c);
            } else if ((c != ' ' && c != '-') || kept.isEmpty()) {
                return null;
            }
        }
        return kept.length() > (kept.charAt(0) == '+' ? 1 : 0) ? kept.toString() : null;
    }

    private static void requireAlphanumeric(String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidAddressException(AddressRule.ALPHANUMERIC_CHARACTERS, "alphanumeric sender id is blank");
        }
        // source_addr is a C-Octet String, ASCII (SMPP 3.4 §3.1): a letter outside it has no agreed encoding on the
        // wire, and the traffic record keeps the sender id as ASCII.
        if (hasAny(value, 0x7F, Character.MAX_VALUE)) {
            throw new InvalidAddressException(AddressRule.ALPHANUMERIC_CHARACTERS,
                    "alphanumeric sender id must be printable ASCII (SMPP 3.4 §3.1)");
        }
        if (Gsm7.firstUnencodable(value) >= 0 || hasAny(value, 0, 0x1F)) {
            throw new InvalidAddressException(AddressRule.ALPHANUMERIC_CHARACTERS,
                    "alphanumeric sender id must be printable GSM 03.38 characters");
        }
        if (Gsm7.septetCount(value) > MAX_ALPHANUMERIC_SEPTETS) {
            throw new InvalidAddressException(AddressRule.ALPHANUMERIC_LENGTH,
                    "alphanumeric sender id is longer than 11 GSM characters (3GPP TS 23.040 §9.1.2.5)");
        }
    }

    /** Whether a character of {@code value} is in {@code from..to}: a loop, as every submit's sender passes here. */
    private static boolean hasAny(String value, int from, int to) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c >= from && c <= to) {
                return true;
            }
        }
        return false;
    }
}
