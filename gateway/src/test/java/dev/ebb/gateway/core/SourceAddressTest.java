package dev.ebb.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SourceAddressTest {
    private static final Optional<String> NO_COUNTRY = Optional.empty();

    @Test
    void alphanumericTonGivesSenderId() {
        SourceAddress source = SourceAddress.fromSmpp(5, 0, "EbbBank", NO_COUNTRY);

        assertThat(source.type()).isEqualTo(SourceAddress.Type.ALPHANUMERIC);
        assertThat(source.value()).isEqualTo("EbbBank");
    }

    @Test
    void alphanumericSenderIdMayHaveElevenGsmCharacters() {
        assertThat(SourceAddress.fromSmpp(5, 0, "Ebb Æøå 123", NO_COUNTRY).value()).hasSize(11);
    }

    @Test
    void alphanumericSenderIdOverElevenSeptetsIsRefused() {
        assertThatThrownBy(() -> SourceAddress.fromSmpp(5, 0, "EbbBankNorge", NO_COUNTRY))
                .isInstanceOf(InvalidAddressException.class)
                .hasMessageContaining("11");
    }

    @Test
    void extensionCharactersCountTwoSeptetsInSenderId() {
        assertThatThrownBy(() -> SourceAddress.fromSmpp(5, 0, "Ebb€€€€€", NO_COUNTRY))
                .isInstanceOf(InvalidAddressException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "Ebb\nBank", "Ebb中文"})
    void nonPrintableOrNonGsmSenderIdsAreRefused(String id) {
        assertThatThrownBy(() -> SourceAddress.fromSmpp(5, 0, id, NO_COUNTRY)).isInstanceOf(InvalidAddressException.class);
    }

    @Test
    void networkSpecificTonGivesShortCode() {
        SourceAddress source = SourceAddress.fromSmpp(3, 0, "2222", NO_COUNTRY);

        assertThat(source.type()).isEqualTo(SourceAddress.Type.SHORT_CODE);
        assertThat(source.value()).isEqualTo("2222");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "123456789", "22a2", "+2222"})
    void malformedShortCodesAreRefused(String code) {
        assertThatThrownBy(() -> SourceAddress.fromSmpp(3, 0, code, NO_COUNTRY)).isInstanceOf(InvalidAddressException.class);
    }

    @Test
    void internationalTonGivesNormalisedMsisdn() {
        SourceAddress source = SourceAddress.fromSmpp(1, 1, "4790000000", NO_COUNTRY);

        assertThat(source.type()).isEqualTo(SourceAddress.Type.MSISDN);
        assertThat(source.msisdn()).contains(Msisdn.parse("+4790000000"));
    }

    @Test
    void senderIdHasNoMsisdn() {
        assertThat(SourceAddress.fromSmpp(5, 0, "EbbBank", NO_COUNTRY).msisdn()).isEmpty();
    }

    @Test
    void maskedHidesHandsetNumbersOnly() {
        assertThat(SourceAddress.fromSmpp(1, 1, "4790000000", NO_COUNTRY).masked()).isEqualTo("+4790***000");
        assertThat(SourceAddress.fromSmpp(5, 0, "EbbBank", NO_COUNTRY).masked()).isEqualTo("EbbBank");
    }

    @Test
    void toStringMasksHandsetNumber() {
        assertThat(SourceAddress.fromSmpp(1, 1, "4790123456", NO_COUNTRY).toString()).doesNotContain("4790123456");
    }

    @Test
    void typeCarriesSouthboundTonAndNpi() {
        assertThat(SourceAddress.Type.ALPHANUMERIC.ton()).isEqualTo(5);
        assertThat(SourceAddress.Type.MSISDN.npi()).isEqualTo(1);
    }
}
