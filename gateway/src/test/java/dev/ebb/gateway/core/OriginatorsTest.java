package dev.ebb.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ebb.metadata.SourceAddress;
import dev.ebb.model.AddressRule;
import dev.ebb.model.InvalidAddressException;
import dev.ebb.model.Msisdn;
import dev.ebb.model.Numbering;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class OriginatorsTest {
    private static final Numbering DEFAULTS = Numbering.INTERNATIONAL;
    private static final Optional<SourceAddress> NO_SENDER = Optional.empty();

    /**
     * Issue 11: the kind of a sender is what its value is, whatever TON the client gave (node-smpp and Cloudhopper
     * send everything at 0/0, Kannel numbers at 2/1); it leaves with the TON/NPI of its kind.
     */
    @ParameterizedTest(name = "TON {0} NPI {1} ''{2}'' is {3} {4}/{5}")
    @CsvSource({
            "0, 0, Test,         Test,       5, 0",
            "1, 1, Test,         Test,       5, 0",
            "2, 1, Ebb Bank 12,  Ebb Bank 12, 5, 0",
            "3, 0, 22a2,         22a2,       5, 0",
            "5, 0, 12345,        12345,      5, 0",
            "0, 0, 12345,        12345,      3, 0",
            "1, 1, 12345,        12345,      3, 0",
            "2, 1, 12345,        12345,      3, 0",
            "0, 0, 123,          123,        3, 0",
            "1, 1, 12345678,     12345678,   3, 0",
            "3, 0, 22,           22,         3, 0",
            "0, 0, 4790000001,   4790000001, 1, 1",
            "2, 1, 4790000001,   4790000001, 1, 1",
            "1, 1, +4790000001,  4790000001, 1, 1",
            "0, 0, +4790000001,  4790000001, 1, 1",
            "1, 1, 004790000001, 4790000001, 1, 1",
    })
    void aSenderIsReadByWhatItIs(int ton, int npi, String address, String value, int sentTon, int sentNpi) {
        SourceAddress source = Originators.fromSmpp(ton, npi, address, DEFAULTS, NO_SENDER);

        assertThat(source).isEqualTo(new SourceAddress(value, sentTon, sentNpi));
    }

    @ParameterizedTest(name = "TON {0} NPI {1} ''{2}'' breaks {3}")
    @CsvSource({
            "0, 0, EbbBankNorge,  ALPHANUMERIC_LENGTH",
            "5, 0, EbbBankNorge,  ALPHANUMERIC_LENGTH",
            "0, 0, Ebb[[[[[,      ALPHANUMERIC_LENGTH",
            "0, 0, Grüße,         ALPHANUMERIC_CHARACTERS",
            "1, 1, 12,            NOT_E164",
            "1, 1, +12345,        NOT_E164",
            "0, 0, 4790000000000000, NOT_E164",
            "3, 0, 123456789,     SHORT_CODE",
            "1, 9, 4790000001,    NUMBERING_PLAN",
            "0, 2, Test,          NUMBERING_PLAN",
            "0, 0, '',            EMPTY",
    })
    void aSenderThatCannotBeShownIsRefusedNamingTheRule(int ton, int npi, String address, AddressRule rule) {
        assertThatThrownBy(() -> Originators.fromSmpp(ton, npi, address, DEFAULTS, NO_SENDER))
                .isInstanceOfSatisfying(InvalidAddressException.class, e -> assertThat(e.rule()).isEqualTo(rule));
    }

    @Test
    void anEmptySourceIsTheDefaultSender() {
        Optional<SourceAddress> ebb = Optional.of(Originators.alphanumeric("Ebb"));

        assertThat(Originators.fromSmpp(0, 0, "", DEFAULTS, ebb)).isEqualTo(new SourceAddress("Ebb", 5, 0));
        assertThat(Originators.fromSmpp(5, 0, null, DEFAULTS, ebb)).isEqualTo(new SourceAddress("Ebb", 5, 0));
    }

    @Test
    void aNationalSenderIsReadWithTheCustomersCountry() {
        Numbering norway = new Numbering("47", Numbering.UnknownTon.INTERNATIONAL);

        assertThat(Originators.fromSmpp(2, 1, "090000001", norway, NO_SENDER))
                .isEqualTo(new SourceAddress("4790000001", 1, 1));
    }

    @Test
    void alphanumericTonGivesSenderId() {
        SourceAddress source = Originators.fromSmpp(5, 0, "EbbBank", DEFAULTS, NO_SENDER);

        assertThat(source.type()).isEqualTo(SourceAddress.Type.ALPHANUMERIC);
        assertThat(source.value()).isEqualTo("EbbBank");
    }

    @Test
    void alphanumericSenderIdMayHaveElevenGsmCharacters() {
        assertThat(Originators.fromSmpp(5, 0, "Ebb Bank 12", DEFAULTS, NO_SENDER).value()).hasSize(11);
    }

    @Test
    void alphanumericSenderIdOverElevenSeptetsIsRefused() {
        assertThatThrownBy(() -> Originators.fromSmpp(5, 0, "EbbBankNorge", DEFAULTS, NO_SENDER))
                .isInstanceOf(InvalidAddressException.class)
                .hasMessageContaining("11");
    }

    @Test
    void extensionCharactersCountTwoSeptetsInSenderId() {
        assertThatThrownBy(() -> Originators.fromSmpp(5, 0, "Ebb€€€€€", DEFAULTS, NO_SENDER))
                .isInstanceOf(InvalidAddressException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"   ", "Ebb\nBank", "Ebb中文"})
    void nonPrintableOrNonGsmSenderIdsAreRefused(String id) {
        assertThatThrownBy(() -> Originators.fromSmpp(5, 0, id, DEFAULTS, NO_SENDER)).isInstanceOf(InvalidAddressException.class);
    }

    /** Issue 9 item 2: source_addr is ASCII; these were accepted here and failed later with ESME_RSYSERR. */
    @ParameterizedTest
    @ValueSource(strings = {"Ebb Æøå", "Grüße", "Ebb\u00A0Bank"})
    void nonAsciiSenderIdsAreRefused(String id) {
        assertThatThrownBy(() -> Originators.fromSmpp(5, 0, id, DEFAULTS, NO_SENDER))
                .isInstanceOf(InvalidAddressException.class).hasMessageContaining("ASCII");
    }

    /** Issue 9 item 2: a reserved NPI with TON 5 or 3 was accepted, then broke the southbound jSMPP encoding. */
    @ParameterizedTest
    @ValueSource(ints = {2, 5, 7, 11, 0x7F, 0x80, 0xFF})
    void senderIdsAndShortCodesWithAReservedNumberingPlanAreRefused(int npi) {
        assertThatThrownBy(() -> Originators.fromSmpp(5, npi, "EbbBank", DEFAULTS, NO_SENDER))
                .isInstanceOf(InvalidAddressException.class).hasMessageContaining("numbering plan " + npi);
        assertThatThrownBy(() -> Originators.fromSmpp(3, npi, "2222", DEFAULTS, NO_SENDER))
                .isInstanceOf(InvalidAddressException.class).hasMessageContaining("numbering plan " + npi);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3, 4, 6, 8, 9, 10, 14, 18})
    void everyNumberingPlanSmppDefinesIsTakenWithASenderId(int npi) {
        assertThat(Originators.fromSmpp(5, npi, "EbbBank", DEFAULTS, NO_SENDER).type()).isEqualTo(SourceAddress.Type.ALPHANUMERIC);
    }

    @Test
    void networkSpecificTonGivesShortCode() {
        SourceAddress source = Originators.fromSmpp(3, 0, "2222", DEFAULTS, NO_SENDER);

        assertThat(source.type()).isEqualTo(SourceAddress.Type.SHORT_CODE);
        assertThat(source.value()).isEqualTo("2222");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "123456789", "+2222"})
    void malformedShortCodesAreRefused(String code) {
        assertThatThrownBy(() -> Originators.fromSmpp(3, 0, code, DEFAULTS, NO_SENDER)).isInstanceOf(InvalidAddressException.class);
    }

    @Test
    void internationalTonGivesNormalisedMsisdn() {
        SourceAddress source = Originators.fromSmpp(1, 1, "4790000000", DEFAULTS, NO_SENDER);

        assertThat(source.type()).isEqualTo(SourceAddress.Type.MSISDN);
        assertThat(source.msisdn()).contains(Msisdn.parse("+4790000000"));
    }

    @Test
    void senderIdHasNoMsisdn() {
        assertThat(Originators.fromSmpp(5, 0, "EbbBank", DEFAULTS, NO_SENDER).msisdn()).isEmpty();
    }

    @Test
    void maskedHidesHandsetNumbersOnly() {
        assertThat(Originators.fromSmpp(1, 1, "4790000000", DEFAULTS, NO_SENDER).masked()).isEqualTo("+4790***000");
        assertThat(Originators.fromSmpp(5, 0, "EbbBank", DEFAULTS, NO_SENDER).masked()).isEqualTo("EbbBank");
    }

    @Test
    void toStringMasksHandsetNumber() {
        assertThat(Originators.fromSmpp(1, 1, "4790123456", DEFAULTS, NO_SENDER).toString()).doesNotContain("4790123456");
    }

    @Test
    void typeCarriesSouthboundTonAndNpi() {
        assertThat(SourceAddress.Type.ALPHANUMERIC.ton()).isEqualTo(5);
        assertThat(SourceAddress.Type.MSISDN.npi()).isEqualTo(1);
    }
}
