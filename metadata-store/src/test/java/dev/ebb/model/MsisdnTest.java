package dev.ebb.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MsisdnTest {
    private static final Optional<String> NO_COUNTRY = Optional.empty();
    private static final Optional<String> NORWAY = Optional.of("47");

    @Test
    void internationalTonTakesBareDigits() {
        assertThat(Msisdn.fromSmpp(1, 1, "4790000000", NO_COUNTRY).e164()).isEqualTo("+4790000000");
    }

    @Test
    void internationalTonAcceptsPlusAndDoubleZeroPrefixes() {
        assertThat(Msisdn.fromSmpp(1, 1, "+4790000000", NO_COUNTRY).e164()).isEqualTo("+4790000000");
        assertThat(Msisdn.fromSmpp(1, 1, "004790000000", NO_COUNTRY).e164()).isEqualTo("+4790000000");
    }

    @Test
    void spacesAndDashesAreIgnored() {
        assertThat(Msisdn.fromSmpp(1, 1, "+47 900-00 000", NO_COUNTRY).e164()).isEqualTo("+4790000000");
    }

    @Test
    void unknownTonWithPlusOrDoubleZeroIsInternational() {
        assertThat(Msisdn.fromSmpp(0, 0, "+4790000000", NO_COUNTRY).e164()).isEqualTo("+4790000000");
        assertThat(Msisdn.fromSmpp(0, 1, "00 47 90000000", NO_COUNTRY).e164()).isEqualTo("+4790000000");
    }

    @Test
    void unknownTonWithoutInternationalPrefixIsRefused() {
        assertThatThrownBy(() -> Msisdn.fromSmpp(0, 1, "4790000000", NO_COUNTRY))
                .isInstanceOf(InvalidAddressException.class)
                .hasMessageContaining("leading + or 00");
    }

    @Test
    void nationalTonDropsTrunkZeroAndAddsDefaultCountryCode() {
        assertThat(Msisdn.fromSmpp(2, 1, "07911123456", Optional.of("44")).e164()).isEqualTo("+447911123456");
    }

    @Test
    void nationalTonWithoutTrunkPrefixGetsDefaultCountryCode() {
        assertThat(Msisdn.fromSmpp(2, 1, "90000000", NORWAY).e164()).isEqualTo("+4790000000");
    }

    @Test
    void nationalTonWithoutConfiguredCountryCodeIsRefused() {
        assertThatThrownBy(() -> Msisdn.fromSmpp(2, 1, "07911123456", NO_COUNTRY))
                .isInstanceOf(InvalidAddressException.class)
                .hasMessageContaining("default country code");
    }

    @Test
    void nationalTonWithInternationalPrefixIsRefused() {
        assertThatThrownBy(() -> Msisdn.fromSmpp(2, 1, "004790000000", NORWAY))
                .isInstanceOf(InvalidAddressException.class);
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
        assertThatThrownBy(() -> Msisdn.fromSmpp(1, npi, "4790000000", NO_COUNTRY))
                .isInstanceOf(InvalidAddressException.class)
                .hasMessageContaining("numbering plan " + npi);
    }

    @ParameterizedTest
    @ValueSource(strings = {"4790", "4790000", "4790000000000000", "47900abc00", "0790000000", "", "+", "+-"})
    void malformedInternationalNumbersAreRefused(String address) {
        assertThatThrownBy(() -> Msisdn.fromSmpp(1, 1, address, NO_COUNTRY)).isInstanceOf(InvalidAddressException.class);
    }

    @Test
    void nullAddressIsRefused() {
        assertThatThrownBy(() -> Msisdn.fromSmpp(1, 1, null, NO_COUNTRY)).isInstanceOf(InvalidAddressException.class);
    }

    @Test
    void eightAndFifteenDigitsAreTheBounds() {
        assertThat(Msisdn.parse("+12345678").digits()).hasSize(8);
        assertThat(Msisdn.parse("+123456789012345").digits()).hasSize(15);
    }

    @Test
    void exceptionMessagesMaskTheNumber() {
        assertThatThrownBy(() -> Msisdn.fromSmpp(0, 1, "4790123456", NO_COUNTRY))
                .hasMessageNotContaining("4790123456")
                .hasMessageContaining("4790***456");
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
