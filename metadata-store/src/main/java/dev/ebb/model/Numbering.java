package dev.ebb.model;

import java.util.Optional;

/**
 * How one customer's numbers without a {@code +} are read (SMPP 3.4 §5.2.5 type_of_number). The default,
 * {@link #INTERNATIONAL}, reads them as E.164 without the {@code +}, as Kannel (TON 2), node-smpp and Cloudhopper
 * (TON 0) send them; with a {@code defaultCountryCode}, TON 2 numbers and TON 0 numbers with a trunk {@code 0} are
 * national numbers of that country.
 *
 * @param defaultCountryCode the country code of national numbers, 1..3 digits not starting with 0 ({@code "47"}); null
 *                           when the customer has none
 * @param unknownTonAs       how a TON 0 number without {@code +}, {@code 00} or trunk {@code 0} is read; national needs
 *                           a {@code defaultCountryCode}
 */
public record Numbering(String defaultCountryCode, UnknownTon unknownTonAs) {
    /** No country of its own: every number is international, with or without {@code +}. */
    public static final Numbering INTERNATIONAL = new Numbering(null, UnknownTon.INTERNATIONAL);

    /** How TON 0 (unknown) digits are read. */
    public enum UnknownTon {
        /** E.164 without the {@code +}. */
        INTERNATIONAL,
        /** A national number of {@code defaultCountryCode}. */
        NATIONAL
    }

    /** @throws IllegalArgumentException naming the field, for a malformed country code or national without one */
    public Numbering {
        unknownTonAs = unknownTonAs == null ? UnknownTon.INTERNATIONAL : unknownTonAs;
        if (defaultCountryCode != null && !defaultCountryCode.matches("[1-9][0-9]{0,2}")) {
            throw new IllegalArgumentException("defaultCountryCode must be 1..3 digits not starting with 0 (ITU-T E.164"
                    + " country code, no '+'), was '" + Msisdn.mask(defaultCountryCode) + "'");
        }
        if (unknownTonAs == UnknownTon.NATIONAL && defaultCountryCode == null) {
            throw new IllegalArgumentException("unknownTonAs national needs a defaultCountryCode");
        }
    }

    /** The country code of national numbers, if the customer has one. */
    public Optional<String> countryCode() {
        return Optional.ofNullable(defaultCountryCode);
    }
}
