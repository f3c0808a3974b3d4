package dev.ebb.gateway.core;

import dev.ebb.metadata.SourceAddress;
import dev.ebb.model.InvalidAddressException;
import dev.ebb.model.Msisdn;
import java.util.Optional;
import java.util.Set;

/**
 * Checks the originator a customer gives (a handset number, an alphanumeric sender id or a short code) before it is
 * accepted, and gives it as the one source-address model ({@link SourceAddress}, shared with the store).
 */
public final class Originators {
    /** SMPP 3.4 §5.2.5 type_of_number values for the non-E.164 originators. */
    private static final int TON_NETWORK_SPECIFIC = 3;
    private static final int TON_ALPHANUMERIC = 5;
    /** 3GPP TS 23.040 §9.1.2.5: an alphanumeric TP-OA holds at most 11 septets. */
    static final int MAX_ALPHANUMERIC_SEPTETS = 11;
    static final int MAX_SHORT_CODE_DIGITS = 8;
    /** SMPP 3.4 §5.2.6: the numbering_plan_indicator values defined; every other value is reserved. */
    private static final Set<Integer> DEFINED_NPIS = Set.of(0, 1, 3, 4, 6, 8, 9, 10, 14, 18);

    private Originators() {
    }

    /**
     * Reads an SMPP source address: TON 5 is an alphanumeric sender id of at most 11 GSM 7-bit septets in printable
     * ASCII, TON 3 a short code of 1..8 digits, each with an NPI SMPP 3.4 §5.2.6 defines; anything else goes through
     * {@link Msisdn#fromSmpp}. What passes can be submitted southbound as given (issue 9: a reserved NPI was accepted,
     * then broke the southbound encoding).
     *
     * @param ton the type_of_number octet, 0..255
     * @param npi the numbering_plan_indicator octet, 0..255
     * @throws InvalidAddressException (the caller answers ESME_RINVSRCADR)
     */
    public static SourceAddress fromSmpp(int ton, int npi, String address, Optional<String> defaultCountryCode) {
        return switch (ton) {
            case TON_ALPHANUMERIC -> alphanumeric(requireDefinedNpi(npi, address));
            case TON_NETWORK_SPECIFIC -> shortCode(requireDefinedNpi(npi, address));
            default -> SourceAddress.of(Msisdn.fromSmpp(ton, npi, address, defaultCountryCode));
        };
    }

    /** An alphanumeric sender id (TON 5, NPI 0): 1..11 printable GSM 03.38 characters, ASCII. */
    public static SourceAddress alphanumeric(String value) {
        requireAlphanumeric(value);
        return SourceAddress.alphanumeric(value);
    }

    /** A network-specific short code (TON 3, NPI 0): 1..8 digits. */
    public static SourceAddress shortCode(String value) {
        requireShortCode(value);
        return new SourceAddress(value, TON_NETWORK_SPECIFIC, 0);
    }

    private static String requireDefinedNpi(int npi, String address) {
        if (!DEFINED_NPIS.contains(npi)) {
            throw new InvalidAddressException("numbering plan " + npi + " is reserved (SMPP 3.4 §5.2.6)");
        }
        return address == null ? "" : address;
    }

    private static void requireAlphanumeric(String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidAddressException("alphanumeric sender id is empty");
        }
        // source_addr is a C-Octet String, ASCII (SMPP 3.4 §3.1): a letter outside it has no agreed encoding on the
        // wire, and the traffic record keeps the sender id as ASCII.
        if (value.chars().anyMatch(c -> c > 0x7E)) {
            throw new InvalidAddressException("alphanumeric sender id must be printable ASCII (SMPP 3.4 §3.1)");
        }
        if (Gsm7.firstUnencodable(value) >= 0 || value.chars().anyMatch(c -> c < 0x20 || c == 0x7F)) {
            throw new InvalidAddressException("alphanumeric sender id must be printable GSM 03.38 characters");
        }
        if (Gsm7.septetCount(value) > MAX_ALPHANUMERIC_SEPTETS) {
            throw new InvalidAddressException("alphanumeric sender id is longer than 11 GSM characters (3GPP TS 23.040 §9.1.2.5)");
        }
    }

    private static void requireShortCode(String value) {
        if (value == null || !value.matches("[0-9]{1," + MAX_SHORT_CODE_DIGITS + "}")) {
            throw new InvalidAddressException("short code must be 1..8 digits: " + Msisdn.mask(value));
        }
    }
}
