package dev.ebb.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DataCodingTest {
    /** 3GPP TS 23.038 §6.2.1, septets 0x00..0x7F in order, escape (0x1B) left out. */
    private static final String GSM_BASIC =
            "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    /** 3GPP TS 23.038 §6.2.1.1 extension table of the default language. */
    private static final String GSM_EXTENSION = "\f^{}\\[~]|€";

    private static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    @ParameterizedTest
    @CsvSource({"0, GSM7", "1, ASCII", "2, BINARY", "3, LATIN1", "4, BINARY", "8, UCS2"})
    void smppValuesMapToAlphabets(int value, DataCoding expected) {
        assertThat(DataCoding.of(value)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"0xF0, GSM7", "0xF1, GSM7", "0xF3, GSM7", "0xF4, BINARY", "0xF5, BINARY", "0xF7, BINARY", "0xFB, GSM7", "0xFF, BINARY"})
    void messageClassGroupChoosesByBitTwo(String value, DataCoding expected) {
        assertThat(DataCoding.of(Integer.decode(value))).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(ints = {0x05, 0x06, 0x07, 0x09, 0x0A, 0x0D, 0x0E, 0x10, 0x18, 0xC0, 0xE0, 0xEF, 0x100, -1})
    void otherValuesAreUnsupported(int value) {
        assertThatThrownBy(() -> DataCoding.of(value))
                .isInstanceOf(UnsupportedDataCodingException.class)
                .hasMessageContaining("data_coding");
    }

    @Test
    void gsmBasicTableDecodesSeptetsInOrder() {
        byte[] septets = new byte[127];
        for (int i = 0, s = 0; s < 128; s++) {
            if (s != 0x1B) {
                septets[i++] = (byte) s;
            }
        }
        assertThat(DataCoding.GSM7.decode(septets)).isEqualTo(GSM_BASIC);
    }

    @Test
    void gsmExtensionCharactersEncodeAsEscapePairs() {
        assertThat(DataCoding.GSM7.encode("€[]{}")).isEqualTo(hex("1b651b3c1b3e1b281b29"));
    }

    @Test
    void gsmRoundTripsWholeAlphabet() {
        String all = GSM_BASIC + GSM_EXTENSION;
        assertThat(DataCoding.GSM7.decode(DataCoding.GSM7.encode(all))).isEqualTo(all);
    }

    @Test
    void gsmSeptetCountCountsExtensionCharactersTwice() {
        assertThat(DataCoding.GSM7.length("a€b")).isEqualTo(4);
    }

    @Test
    void gsmEncodesCommonTextAsAsciiCompatibleSeptets() {
        assertThat(DataCoding.GSM7.encode("Hello")).isEqualTo("Hello".getBytes());
    }

    @Test
    void gsmEncodesAtSignAsSeptetZero() {
        assertThat(DataCoding.GSM7.encode("@")).containsExactly(0);
    }

    @Test
    void gsmUnknownExtensionCodeDecodesAsBasicCharacter() {
        assertThat(DataCoding.GSM7.decode(hex("1b41"))).isEqualTo("A");
    }

    @Test
    void gsmTrailingEscapeDecodesAsSpace() {
        assertThat(DataCoding.GSM7.decode(hex("411b"))).isEqualTo("A ");
    }

    @Test
    void gsmOctetAbove7FIsMalformed() {
        assertThatThrownBy(() -> DataCoding.GSM7.decode(hex("4180")))
                .isInstanceOf(InvalidContentException.class)
                .hasMessageContaining("octet 1");
    }

    @Test
    void gsmEncodingRefusesCharacterOutsideAlphabetByIndexOnly() {
        assertThatThrownBy(() -> DataCoding.GSM7.encode("secret中"))
                .isInstanceOf(InvalidContentException.class)
                .hasMessageContaining("index 6")
                .hasMessageNotContaining("secret")
                .hasMessageNotContaining("中");
    }

    @Test
    void isGsm7AcceptsAlphabetAndExtension() {
        assertThat(DataCoding.isGsm7(GSM_BASIC + GSM_EXTENSION)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ç", "á", "`", "😀", "中", "\t"})
    void isGsm7RefusesCharactersOutsideAlphabet(String text) {
        assertThat(DataCoding.isGsm7(text)).isFalse();
    }

    @Test
    void forTextFallsBackToUcs2() {
        assertThat(DataCoding.forText("Hei på deg")).isEqualTo(DataCoding.GSM7);
        assertThat(DataCoding.forText("Привет")).isEqualTo(DataCoding.UCS2);
    }

    @Test
    void ucs2IsBigEndian() {
        assertThat(DataCoding.UCS2.encode("Aé")).isEqualTo(hex("004100e9"));
    }

    @Test
    void ucs2CarriesSurrogatePairs() {
        String emoji = "😀";
        assertThat(DataCoding.UCS2.encode(emoji)).isEqualTo(hex("d83dde00"));
        assertThat(DataCoding.UCS2.decode(hex("d83dde00"))).isEqualTo(emoji);
        assertThat(DataCoding.UCS2.length(emoji)).isEqualTo(2);
    }

    @Test
    void ucs2KeepsLoneSurrogateOfSplitPair() {
        assertThat(DataCoding.UCS2.decode(hex("0041d83d"))).isEqualTo("A\ud83d");
    }

    @Test
    void ucs2OddLengthIsMalformed() {
        assertThatThrownBy(() -> DataCoding.UCS2.decode(hex("004100")))
                .isInstanceOf(InvalidContentException.class)
                .hasMessageContaining("odd length");
    }

    @Test
    void asciiRoundTrips() {
        assertThat(DataCoding.ASCII.decode(DataCoding.ASCII.encode("Hello {world}~"))).isEqualTo("Hello {world}~");
    }

    @Test
    void asciiRefusesHighOctets() {
        assertThatThrownBy(() -> DataCoding.ASCII.decode(hex("41e9"))).isInstanceOf(InvalidContentException.class);
        assertThatThrownBy(() -> DataCoding.ASCII.encode("é")).isInstanceOf(InvalidContentException.class);
    }

    @Test
    void latin1RoundTrips() {
        assertThat(DataCoding.LATIN1.decode(hex("48e9ff"))).isEqualTo("Héÿ");
        assertThat(DataCoding.LATIN1.encode("Héÿ")).isEqualTo(hex("48e9ff"));
    }

    @Test
    void latin1RefusesCharactersAboveFF() {
        assertThat(DataCoding.LATIN1.canEncode("€")).isFalse();
        assertThatThrownBy(() -> DataCoding.LATIN1.encode("€")).isInstanceOf(InvalidContentException.class);
    }

    @Test
    void binaryTravelsAsHex() {
        assertThat(DataCoding.BINARY.decode(hex("00ff7f"))).isEqualTo("00ff7f");
        assertThat(DataCoding.BINARY.encode("00FF7f")).isEqualTo(hex("00ff7f"));
        assertThat(DataCoding.BINARY.length("00ff7f")).isEqualTo(3);
        assertThat(DataCoding.BINARY.isText()).isFalse();
    }

    @Test
    void binaryRefusesOddOrNonHexText() {
        assertThat(DataCoding.BINARY.canEncode("abc")).isFalse();
        assertThatThrownBy(() -> DataCoding.BINARY.encode("zz")).isInstanceOf(InvalidContentException.class);
    }

    @Test
    void canEncodeMatchesEncodeForEveryAlphabet() {
        for (DataCoding coding : DataCoding.values()) {
            for (String text : new String[] {"abc", "€", "é", "😀", "0a0b", "", "\u0080"}) {
                boolean encodes;
                try {
                    coding.encode(text);
                    encodes = true;
                } catch (InvalidContentException e) {
                    encodes = false;
                }
                assertThat(coding.canEncode(text)).as("%s %s", coding, text).isEqualTo(encodes);
            }
        }
    }

    @Test
    void capacitiesFollowSingleAndConcatenatedSmsLimits() {
        assertThat(DataCoding.GSM7.singleSegmentCapacity()).isEqualTo(160);
        assertThat(DataCoding.GSM7.concatenatedSegmentCapacity()).isEqualTo(153);
        assertThat(DataCoding.UCS2.singleSegmentCapacity()).isEqualTo(70);
        assertThat(DataCoding.UCS2.concatenatedSegmentCapacity()).isEqualTo(67);
        assertThat(DataCoding.BINARY.concatenatedSegmentCapacity()).isEqualTo(134);
    }

    @Test
    void canonicalValuesRoundTrip() {
        for (DataCoding coding : DataCoding.values()) {
            assertThat(DataCoding.of(coding.value())).isEqualTo(coding);
        }
    }
}
