package dev.ebb.model;

import java.util.Locale;

/**
 * Which rule an address broke: a fixed set, so that it can name a refusal in a log line or a metric label without
 * the address itself (DESIGN.md invariant 1).
 */
public enum AddressRule {
    /** No address given, and no default to put in its place. */
    EMPTY,
    /** An NPI (SMPP 3.4 §5.2.6) the address cannot have: reserved, or not E.164 (0/1) for a number. */
    NUMBERING_PLAN,
    /** A TON (SMPP 3.4 §5.2.5) that is no handset number (a TON 5 destination, say). */
    TYPE_OF_NUMBER,
    /** Not a number after normalisation: letters, under 8 or over 15 digits, a leading 0 (ITU-T E.164 §6). */
    NOT_E164,
    /** A national number and no {@code defaultCountryCode} to read it with. */
    NO_COUNTRY_CODE,
    /** An alphanumeric sender with characters outside printable GSM 03.38 / ASCII. */
    ALPHANUMERIC_CHARACTERS,
    /** An alphanumeric sender over 11 GSM characters (3GPP TS 23.040 §9.1.2.5). */
    ALPHANUMERIC_LENGTH,
    /** A TON 3 short code that is not 1..8 digits. */
    SHORT_CODE;

    /** The rule as a metric label value, {@code numbering_plan}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
