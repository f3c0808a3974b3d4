package dev.ebb.metadata;

import dev.ebb.model.Msisdn;
import java.util.Optional;

/**
 * A source address as given in SMPP 3.4 §4.4.1 submit_sm: the address with its type of number (TON, §5.2.5) and
 * numbering plan indicator (NPI, §5.2.6). It may be a number, an alphanumeric sender id or a short code. The one
 * source-address model of Ebb: ingress checks what a customer gives ({@code gateway.core.Originators}) and records
 * keep it as given.
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

    /** SMPP 3.4 §5.2.5: TON 0x03 (network specific) is how Ebb sends short codes. */
    public static final int TON_NETWORK_SPECIFIC = 3;

    /** Kind of originator, with the TON/NPI Ebb uses when it submits it southbound. */
    public enum Type {
        /** A handset number, TON 1 international / NPI 1 E.164. */
        MSISDN(TON_INTERNATIONAL, NPI_ISDN),
        /** An alphanumeric sender id, TON 5 / NPI 0 (SMPP 3.4 §5.2.5). */
        ALPHANUMERIC(TON_ALPHANUMERIC, 0),
        /** A network-specific short code, TON 3 / NPI 0. */
        SHORT_CODE(TON_NETWORK_SPECIFIC, 0);

        private final int ton;
        private final int npi;

        Type(int ton, int npi) {
            this.ton = ton;
            this.npi = npi;
        }

        /** SMPP 3.4 §5.2.5 type_of_number. */
        public int ton() {
            return ton;
        }

        /** SMPP 3.4 §5.2.6 numbering_plan_indicator. */
        public int npi() {
            return npi;
        }
    }

    /** Validates the fields; see the record description for the ranges. */
    public SourceAddress {
        Fields.requireAscii("source.value", value, 1, 21);
        Fields.requireRange("source.ton", ton, 0, 255);
        Fields.requireRange("source.npi", npi, 0, 255);
    }

    /** An international E.164 number (TON 1, NPI 1), written with its leading '+' (or 00). */
    public static SourceAddress international(String msisdn) {
        return new SourceAddress(Msisdn.normalise(msisdn).substring(1), TON_INTERNATIONAL, NPI_ISDN);
    }

    /** A handset number as originator (TON 1, NPI 1). */
    public static SourceAddress of(Msisdn msisdn) {
        return international(msisdn.e164());
    }

    /** An alphanumeric sender id (TON 5, NPI 0). */
    public static SourceAddress alphanumeric(String senderId) {
        return new SourceAddress(senderId, TON_ALPHANUMERIC, 0);
    }

    /** What kind of originator this is: TON 5 a sender id, TON 3 a short code, any other a number. */
    public Type type() {
        return switch (ton) {
            case TON_ALPHANUMERIC -> Type.ALPHANUMERIC;
            case TON_NETWORK_SPECIFIC -> Type.SHORT_CODE;
            default -> Type.MSISDN;
        };
    }

    /** The handset number, when the originator is one. */
    public Optional<Msisdn> msisdn() {
        return type() == Type.MSISDN ? Msisdn.storedForm(value).filter(Msisdn::isE164).map(Msisdn::new) : Optional.empty();
    }

    /** For logs: a handset number masked ({@code +4790***000}); sender ids and short codes name a service and stay. */
    public String masked() {
        return type() == Type.MSISDN ? Msisdn.mask(Msisdn.storedForm(value).orElse(value)) : value;
    }

    /**
     * The form under which this address is indexed: an E.164 number with '+' when the address is numeric
     * (so a query for the MSISDN finds it as a source), otherwise the value itself.
     */
    String indexForm() {
        return Msisdn.storedForm(value).orElse(value);
    }

    /** The address masked (it may be a number), so the value can be logged (DESIGN invariant 1). */
    @Override
    public String toString() {
        return "SourceAddress[" + Msisdn.mask(value) + ", ton=" + ton + ", npi=" + npi + "]";
    }
}
