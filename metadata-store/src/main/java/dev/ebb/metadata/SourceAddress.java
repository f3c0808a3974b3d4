package dev.ebb.metadata;

import dev.ebb.model.Msisdn;

/**
 * A source address as given in SMPP 3.4 §4.4.1 submit_sm: the address with its type of number (TON, §5.2.5) and
 * numbering plan indicator (NPI, §5.2.6). It may be a number or an alphanumeric sender id.
 *
 * @param value the address, 1..21 printable ASCII characters (source_addr is a C-Octet String of at most 21)
 * @param ton   type of number, 0..255
 * @param npi   numbering plan indicator, 0..255
 */
public record SourceAddress(String value, int ton, int npi) {
    /** SMPP 3.4 §5.2.5: TON 0x01 means an international number. */
    public static final int TON_INTERNATIONAL = 1;
    /** SMPP 3.4 §5.2.5: TON 0x05 means an alphanumeric sender id. */
    public static final int TON_ALPHANUMERIC = 5;
    /** SMPP 3.4 §5.2.6: NPI 0x01 is ISDN (E.163/E.164). */
    public static final int NPI_ISDN = 1;

    /** Validates the fields; see the record description for the ranges. */
    public SourceAddress {
        Fields.requireAscii("source.value", value, 1, 21);
        Fields.requireRange("source.ton", ton, 0, 255);
        Fields.requireRange("source.npi", npi, 0, 255);
    }

    /** An international E.164 number (TON 1, NPI 1); {@code msisdn} may carry a leading '+'. */
    public static SourceAddress international(String msisdn) {
        return new SourceAddress(Msisdn.normalise(msisdn).substring(1), TON_INTERNATIONAL, NPI_ISDN);
    }

    /** An alphanumeric sender id (TON 5, NPI 0). */
    public static SourceAddress alphanumeric(String senderId) {
        return new SourceAddress(senderId, TON_ALPHANUMERIC, 0);
    }

    /**
     * The form under which this address is indexed: an E.164 number with '+' when the address is numeric
     * (so a query for the MSISDN finds it as a source), otherwise the value itself.
     */
    String indexForm() {
        return Msisdn.storedForm(value).orElse(value);
    }

    @Override
    public String toString() {
        return "SourceAddress[" + Msisdn.mask(value) + ", ton=" + ton + ", npi=" + npi + "]";
    }
}
