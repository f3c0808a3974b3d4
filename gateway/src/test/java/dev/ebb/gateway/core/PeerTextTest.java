package dev.ebb.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PeerTextTest {
    @ParameterizedTest
    @ValueSource(strings = {"4790000001", "0047-900-00-001", "+47 900 00 001", "(47) 900.00.001", "47/900/00/001",
            "case 0047-900-00-001"})
    void aNumberIsMaskedHoweverItsDigitsAreSeparated(String text) {
        String logged = PeerText.forLog(text);

        assertThat(logged).contains("***");
        assertThat(logged.replaceAll("[^0-9]", "")).hasSizeLessThanOrEqualTo(7);
    }

    @ParameterizedTest
    @ValueSource(strings = {"acme", "esme-12345", "12 34 5", "v1.2.3-4"})
    void textWithFewerThanSixDigitsInARunStaysReadable(String text) {
        assertThat(PeerText.forLog(text)).isEqualTo(text);
    }
}
