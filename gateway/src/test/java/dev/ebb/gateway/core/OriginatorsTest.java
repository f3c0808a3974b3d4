package dev.ebb.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ebb.metadata.SourceAddress;
import dev.ebb.model.InvalidAddressException;
import dev.ebb.model.Msisdn;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OriginatorsTest {
    private static final Optional<String> NO_COUNTRY = Optional.empty();

    @Test
    void alphanumericTonGivesSenderId() {
        SourceAddress source = Originators.fromSmpp(5, 0, "EbbBank", NO_COUNTRY);

        assertThat(source.type()).isEqualTo(SourceAddress.Type.ALPHANUMERIC);
        assertThat(source.value()).isEqualTo("EbbBank");
    }

    @Test
    void alphanumericSenderIdMayHaveElevenGsmCharacters() {
        assertThat(Originators.fromSmpp(5, 0, "Ebb Bank 12", NO_COUNTRY).value()).hasSize(11);
    }

    @Test
    void alphanumericSenderIdOverElevenSeptetsIsRefused() {
        assertThatThrownBy(() -> Originators.fromSmpp(5, 0, "EbbBankNorge", NO_COUNTRY))
                .isInstanceOf(InvalidAddressException.class)
                .hasMessageContaining("11");
    }

    @Test
    void extensionCharactersCountTwoSeptetsInSenderId() {
        assertThatThrownBy(() -> Originators.fromSmpp(5, 0, "Ebb€€€€€", NO_COUNTRY))
                .isInstanceOf(InvalidAddressException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "Ebb\nBank", "Ebb中文"})
    void nonPrintableOrNonGsmSenderIdsAreRefused(String id) {
        assertThatThrownBy(() -> Originators.fromSmpp(5, 0, id, NO_COUNTRY)).isInstanceOf(InvalidAddressException.class);
    }

    /** Issue 9 item 2: source_addr is ASCII; these were accepted here and failed later with ESME_RSYSERR. */
    @ParameterizedTest
    @ValueSource(strings = {"Ebb Æøå", "Grüße", "Ebb\u00A0Bank"})
    void nonAsciiSenderIdsAreRefused(String id) {
        assertThatThrownBy(() -> Originators.fromSmpp(5, 0, id, NO_COUNTRY))
                .isInstanceOf(InvalidAddressException.class).hasMessageContaining("ASCII");
    }

    /** Issue 9 item 2: a reserved NPI with TON 5 or 3 was accepted, then broke the southbound jSMPP encoding. */
    @ParameterizedTest
    @ValueSource(ints = {2, 5, 7, 11, 0x7F, 0x80, 0xFF})
    void senderIdsAndShortCodesWithAReservedNumberingPlanAreRefused(int npi) {
        assertThatThrownBy(() -> Originators.fromSmpp(5, npi, "EbbBank", NO_COUNTRY))
                .isInstanceOf(InvalidAddressException.class).hasMessageContaining("numbering plan " + npi);
        assertThatThrownBy(() -> Originators.fromSmpp(3, npi, "2222", NO_COUNTRY))
                .isInstanceOf(InvalidAddressException.class).hasMessageContaining("numbering plan " + npi);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3, 4, 6, 8, 9, 10, 14, 18})
    void everyNumberingPlanSmppDefinesIsTakenWithASenderId(int npi) {
        assertThat(Originators.fromSmpp(5, npi, "EbbBank", NO_COUNTRY).type()).isEqualTo(SourceAddress.Type.ALPHANUMERIC);
    }

    @Test
    void networkSpecificTonGivesShortCode() {
        SourceAddress source = Originators.fromSmpp(3, 0, "2222", NO_COUNTRY);

        assertThat(source.type()).isEqualTo(SourceAddress.Type.SHORT_CODE);
        assertThat(source.value()).isEqualTo("2222");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "123456789", "22a2", "+2222"})
    void malformedShortCodesAreRefused(String code) {
        assertThatThrownBy(() -> Originators.fromSmpp(3, 0, code, NO_COUNTRY)).isInstanceOf(InvalidAddressException.class);
    }

    @Test
    void internationalTonGivesNormalisedMsisdn() {
        SourceAddress source = Originators.fromSmpp(1, 1, "4790000000", NO_COUNTRY);

        assertThat(source.type()).isEqualTo(SourceAddress.Type.MSISDN);
        assertThat(source.msisdn()).contains(Msisdn.parse("+4790000000"));
    }

    @Test
    void senderIdHasNoMsisdn() {
        assertThat(Originators.fromSmpp(5, 0, "EbbBank", NO_COUNTRY).msisdn()).isEmpty();
    }

    @Test
    void maskedHidesHandsetNumbersOnly() {
        assertThat(Originators.fromSmpp(1, 1, "4790000000", NO_COUNTRY).masked()).isEqualTo("+4790***000");
        assertThat(Originators.fromSmpp(5, 0, "EbbBank", NO_COUNTRY).masked()).isEqualTo("EbbBank");
    }

    @Test
    void toStringMasksHandsetNumber() {
        assertThat(Originators.fromSmpp(1, 1, "4790123456", NO_COUNTRY).toString()).doesNotContain("4790123456");
    }

    @Test
    void typeCarriesSouthboundTonAndNpi() {
        assertThat(SourceAddress.Type.ALPHANUMERIC.ton()).isEqualTo(5);
        assertThat(SourceAddress.Type.MSISDN.npi()).isEqualTo(1);
    }
}
