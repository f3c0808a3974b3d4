package dev.ebb.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MsisdnTest {
    private static final Numbering DEFAULTS = Numbering.INTERNATIONAL;
    private static final Numbering NORWAY = new Numbering("47", Numbering.UnknownTon.INTERNATIONAL);
    private static final Numbering NORWAY_NATIONAL = new Numbering("47", Numbering.UnknownTon.NATIONAL);

    private static Numbering numbering(String name) {
        return switch (name) {
            case "default" -> DEFAULTS;
            case "47" -> NORWAY;
            case "47-national" -> NORWAY_NATIONAL;
            default -> throw new IllegalArgumentException(name);
        };
    }

    /**
     * Issue 11: what real clients send on their defaults, and what it means. Kannel sends E.164 without '+' as TON 2 /
     * NPI 1, node-smpp, Cloudhopper and jSMPP as TON 0 / NPI 0; a customer with a country reads national numbers.
     */
    @ParameterizedTest(name = "TON {0} NPI {1} ''{2}'' with {3} is {4}")
    @CsvSource({
            "1, 1, 4790000001,      default,     +4790000001",
            "1, 1, +4790000001,     default,     +4790000001",
            "1, 1, 004790000001,    default,     +4790000001",
            "1, 1, +47 900-00 001,  default,     +4790000001",
            "0, 0, 4790000001,      default,     +4790000001",
            "0, 0, +4790000001,     default,     +4790000001",
            "0, 1, 00 47 90000001,  default,     +4790000001",
            "2, 1, 4790000001,      default,     +4790000001",
            "2, 1, +4790000001,     default,     +4790000001",
            "2, 1, 90000001,        47,          +4790000001",
            "2, 1, 090000001,       47,          +4790000001",
            "2, 1, 07911123456,     47,          +477911123456",
            "0, 1, 090000001,       47,          +4790000001",
            "0, 1, 4790000001,      47,          +4790000001",
            "0, 0, 90000001,        47-national, +4790000001",
            "0, 0, 090000001,       47-national, +4790000001",
            "0, 0, +4690000001,     47-national, +4690000001",
            "0, 0, 004690000001,    47-national, +4690000001",
            "1, 1, 4690000001,      47-national, +4690000001",
    })
    void anAddressIsNormalisedToE164(int ton, int npi, String address, String numbering, String e164) {
        assertThat(Msisdn.fromSmpp(ton, npi, address, numbering(numbering)).e164()).isEqualTo(e164);
    }

    @ParameterizedTest(name = "TON {0} NPI {1} ''{2}'' with {3} breaks {4}")
    @CsvSource({
            "0, 0, 090000001,         default, NO_COUNTRY_CODE",
            "2, 1, 07911123456,       default, NO_COUNTRY_CODE",
            "2, 1, 004790000001,      47,      NOT_E164",
            "2, 1, 004790000001,      default, NOT_E164",
            "0, 0, EbbBank,           default, NOT_E164",
            "0, 0, 4790000000000000,  default, NOT_E164",
            "1, 1, 4790000,           default, NOT_E164",
            "1, 1, 47900abc00,        default, NOT_E164",
            "1, 1, +,                 default, NOT_E164",
            "1, 1, '',                default, EMPTY",
            "5, 0, 4790000001,        default, TYPE_OF_NUMBER",
            "5, 0, EbbBank,           default, TYPE_OF_NUMBER",
            "3, 1, 4790000001,        47,      TYPE_OF_NUMBER",
            "1, 9, 4790000001,        default, NUMBERING_PLAN",
            "0, 18, 4790000001,       default, NUMBERING_PLAN",
    })
    void anAddressThatIsNoNumberIsRefusedNamingTheRule(int ton, int npi, String address, String numbering,
                                                       AddressRule rule) {
        assertThatThrownBy(() -> Msisdn.fromSmpp(ton, npi, address, numbering(numbering)))
                .isInstanceOfSatisfying(InvalidAddressException.class, e -> assertThat(e.rule()).isEqualTo(rule));
    }

    @Test
    void aNumberWrittenWithOrWithoutPlusParsesAlike() {
        assertThat(Msisdn.parse("4790000001")).isEqualTo(Msisdn.parse("+4790000001"));
        assertThat(Msisdn.normalise("004790000001")).isEqualTo("+4790000001");
        assertThat(Msisdn.parse("090000001", NORWAY).e164()).isEqualTo("+4790000001");
    }

    @Test
    void aNationalReadingNeedsACountryCode() {
        assertThatThrownBy(() -> new Numbering(null, Numbering.UnknownTon.NATIONAL))
                .hasMessageContaining("defaultCountryCode");
        assertThatThrownBy(() -> new Numbering("047", null)).hasMessageContaining("1..3 digits");
        assertThatThrownBy(() -> new Numbering("+47", null)).hasMessageContaining("1..3 digits");
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 4, 5, 6, 7})
    void otherTypesOfNumberAreRefused(int ton) {
        assertThatThrownBy(() -> Msisdn.fromSmpp(ton, 1, "4790000000", NORWAY))
                .isInstanceOf(InvalidAddressException.class)
                .hasMessageContaining("type of number " + ton);
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 8, 9, 10, 14, 18})
    void numberingPlansOtherThanE164AreRefused(int npi) {
        assertThatThrownBy(() -> Msisdn.fromSmpp(1, npi, "4790000000", DEFAULTS))
                .isInstanceOf(InvalidAddressException.class)
                .hasMessageContaining("numbering plan " + npi);
    }

    @ParameterizedTest
    @ValueSource(strings = {"4790", "4790000", "4790000000000000", "47900abc00", "0790000000", "", "+", "+-"})
    void malformedInternationalNumbersAreRefused(String address) {
        assertThatThrownBy(() -> Msisdn.fromSmpp(1, 1, address, DEFAULTS)).isInstanceOf(InvalidAddressException.class);
    }

    @Test
    void nullAddressIsRefused() {
        assertThatThrownBy(() -> Msisdn.fromSmpp(1, 1, null, DEFAULTS)).isInstanceOf(InvalidAddressException.class);
    }

    @Test
    void eightAndFifteenDigitsAreTheBounds() {
        assertThat(Msisdn.parse("+12345678").digits()).hasSize(8);
        assertThat(Msisdn.parse("+123456789012345").digits()).hasSize(15);
    }

    @Test
    void exceptionMessagesMaskTheNumber() {
        assertThatThrownBy(() -> Msisdn.fromSmpp(0, 1, "4790123456abc", DEFAULTS))
                .hasMessageNotContaining("4790123456")
                .hasMessageContaining("4790***abc");
    }

    @Test
    void maskedKeepsFourLeadingAndThreeTrailingDigits() {
        assertThat(Msisdn.parse("+4790000000").masked()).isEqualTo("+4790***000");
    }

    @Test
    void toStringIsMasked() {
        assertThat(Msisdn.parse("+4790123456")).hasToString("+4790***456");
    }

    @Test
    void maskHidesAtLeastThreeCharactersOfShortInput() {
        assertThat(Msisdn.mask("+12345678")).isEqualTo("+12***678");
        assertThat(Msisdn.mask("123456")).isEqualTo("***456");
        assertThat(Msisdn.mask("12345")).isEqualTo("***45");
        assertThat(Msisdn.mask("123")).isEqualTo("***");
    }

    @Test
    void maskIsSafeForAnyInput() {
        assertThat(Msisdn.mask(null)).isEqualTo("null");
        assertThat(Msisdn.mask("")).isEqualTo("***");
        assertThat(Msisdn.mask("+")).isEqualTo("+***");
        assertThat(Msisdn.mask("ab\ncd\r\nefghij")).isEqualTo("ab?c***hij").doesNotContain("\n");
    }

    @Test
    void maskOutputIsBoundedWhateverTheInputLength() {
        assertThat(Msisdn.mask("9".repeat(100_000))).isEqualTo("9999***999");
    }

    @Test
    void digitsDropThePlus() {
        assertThat(Msisdn.parse("+4790000000").digits()).isEqualTo("4790000000");
    }
}
