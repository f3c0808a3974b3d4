package dev.ebb.gateway.config;

import dev.ebb.gateway.core.Originators;
import dev.ebb.metadata.SourceAddress;
import dev.ebb.model.InvalidAddressException;
import dev.ebb.model.Numbering;
import java.util.Locale;
import java.util.Optional;

/**
 * How a customer's addresses without {@code +} are read, over SMPP and HTTP alike. The defaults read every number
 * as international E.164 with or without {@code +}, as most clients send them; a customer may name its country.
 *
 * @param defaultCountryCode the country of national numbers, 1..3 digits ({@code "47"}): then TON 2 numbers and TON 0
 *                           numbers with a trunk {@code 0} are national numbers of it; absent: none are
 * @param unknownTonAs       {@code international} (default) or {@code national} (needs defaultCountryCode): how TON 0
 *                           digits without {@code +} are read
 * @param defaultSender      the sender of a message given without one (empty source_addr, no {@code from}): a name,
 *                           short code or number, checked by the rules of any sender; absent: such messages are
 *                           refused (ESME_RINVSRCADR)
 */
public record AddressingConfig(String defaultCountryCode, String unknownTonAs, String defaultSender) {
    /** Every number international, no default sender. */
    public static final AddressingConfig DEFAULTS = new AddressingConfig(null, null, null);

    public AddressingConfig {
        unknownTonAs = unknownTonAs == null ? "international" : unknownTonAs;
        ConfigException.require(unknownTonAs.equals("international") || unknownTonAs.equals("national"),
                "customers[].addressing.unknownTonAs", "must be international or national, was " + unknownTonAs);
        try {
            numbering(defaultCountryCode, unknownTonAs);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("customers[].addressing", e.getMessage());
        }
        if (defaultSender != null) {
            try {
                Originators.fromText(defaultSender, numbering(defaultCountryCode, unknownTonAs), Optional.empty());
            } catch (InvalidAddressException e) {
                throw new ConfigException("customers[].addressing.defaultSender", "is no usable sender ("
                        + e.getMessage() + "): a name of 1..11 GSM characters, a short code or a number");
            }
        }
    }

    /** The rules numbers of this customer are read by. */
    public Numbering numbering() {
        return numbering(defaultCountryCode, unknownTonAs);
    }

    /** What an empty sender stands for, in the form submitted southbound. */
    public Optional<SourceAddress> sender() {
        return defaultSender == null ? Optional.empty()
                : Optional.of(Originators.fromText(defaultSender, numbering(), Optional.empty()));
    }

    private static Numbering numbering(String countryCode, String unknownTonAs) {
        return new Numbering(countryCode, Numbering.UnknownTon.valueOf(unknownTonAs.toUpperCase(Locale.ROOT)));
    }
}
