package dev.ebb.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConcatenationTest {
    private static final int UDHI = 0x40;

    private static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    private static Map<Short, byte[]> sar(String ref, String total, String seq) {
        return Map.of(Concatenation.SAR_MSG_REF_NUM, hex(ref), Concatenation.SAR_TOTAL_SEGMENTS, hex(total),
                Concatenation.SAR_SEGMENT_SEQNUM, hex(seq));
    }

    @Test
    void eightBitReferenceIsReadFromUdh() {
        assertThat(Concatenation.fromShortMessage(UDHI, hex("0500032a0302414243")))
                .contains(new Concatenation(0x2a, false, 3, 2));
    }

    @Test
    void sixteenBitReferenceIsReadFromUdh() {
        assertThat(Concatenation.fromShortMessage(UDHI, hex("060804beef0201414243")))
                .contains(new Concatenation(0xbeef, true, 2, 1));
    }

    @Test
    void otherInformationElementsAreSkipped() {
        // IEI 0x05 application port addressing (4 octets) before the concatenation IE.
        assertThat(Concatenation.fromShortMessage(UDHI, hex("0b05040b8423f0000307020141")))
                .contains(new Concatenation(7, false, 2, 1));
    }

    @Test
    void udhWithoutConcatenationIeGivesNone() {
        assertThat(Concatenation.fromShortMessage(UDHI, hex("0605040b8423f041"))).isEmpty();
    }

    @Test
    void withoutUdhiTheShortMessageIsNotParsed() {
        assertThat(Concatenation.fromShortMessage(0x00, hex("0500032a0302"))).isEmpty();
    }

    @Test
    void lastRepeatedConcatenationIeCounts() {
        assertThat(Concatenation.fromUdh(hex("0a000301020100030904034141"))).contains(new Concatenation(9, false, 4, 3));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",               // UDHI set, nothing there
        "06000301020141", // UDHL 6 but the concatenation IE is 5 octets, next IE header cut
        "0900030102",     // UDHL overruns the short message
        "05000501020102", // IE length 5 overruns UDHL
        "0400020102",     // 8-bit concatenation IE of length 2
        "0608030102034141", // 16-bit concatenation IE of length 3
        "050003010200",   // seq 0
        "050003010203",   // seq 3 of 2
        "050003010001",   // total 0
    })
    void malformedUdhIsRefused(String udh) {
        assertThatThrownBy(() -> Concatenation.fromShortMessage(UDHI, hex(udh)))
                .isInstanceOf(InvalidConcatenationException.class);
    }

    @Test
    void udhLengthCoversHeaderAndLengthOctet() {
        assertThat(Concatenation.udhLength(UDHI, hex("0500032a0302414243"))).isEqualTo(6);
        assertThat(Concatenation.udhLength(0, hex("0500032a0302414243"))).isZero();
    }

    @Test
    void sarTlvsGiveSixteenBitReference() {
        assertThat(Concatenation.fromSarTlvs(sar("1234", "03", "01"))).contains(new Concatenation(0x1234, true, 3, 1));
    }

    @Test
    void noSarTlvsGiveNone() {
        assertThat(Concatenation.fromSarTlvs(Map.of((short) 0x0424, hex("00")))).isEmpty();
    }

    @Test
    void incompleteSarTlvsAreRefused() {
        assertThatThrownBy(() -> Concatenation.fromSarTlvs(Map.of(Concatenation.SAR_MSG_REF_NUM, hex("0001"))))
                .isInstanceOf(InvalidConcatenationException.class)
                .hasMessageContaining("together");
    }

    @Test
    void sarTlvsOfWrongLengthAreRefused() {
        assertThatThrownBy(() -> Concatenation.fromSarTlvs(sar("01", "03", "01")))
                .isInstanceOf(InvalidConcatenationException.class);
    }

    @Test
    void sarSequenceBeyondTotalIsRefused() {
        assertThatThrownBy(() -> Concatenation.fromSarTlvs(sar("0001", "02", "03")))
                .isInstanceOf(InvalidConcatenationException.class)
                .hasMessageContaining("segment number 3");
    }

    @Test
    void ofTakesWhicheverSourceIsPresent() {
        assertThat(Concatenation.of(0, hex("41"), sar("0001", "02", "01"))).contains(new Concatenation(1, true, 2, 1));
        assertThat(Concatenation.of(UDHI, hex("0500032a030241"), Map.of())).contains(new Concatenation(0x2a, false, 3, 2));
        assertThat(Concatenation.of(0, hex("41"), Map.of())).isEmpty();
    }

    @Test
    void udhAndSarTlvsThatDisagreeAreRefused() {
        assertThatThrownBy(() -> Concatenation.of(UDHI, hex("0500032a030241"), sar("0001", "02", "01")))
                .isInstanceOf(InvalidConcatenationException.class);
    }

    @Test
    void toUdhRoundTripsBothReferenceSizes() {
        Concatenation eight = new Concatenation(200, false, 5, 5);
        Concatenation sixteen = new Concatenation(65535, true, 255, 1);
        assertThat(eight.toUdh()).isEqualTo(hex("050003c80505"));
        assertThat(Concatenation.fromUdh(eight.toUdh())).contains(eight);
        assertThat(Concatenation.fromUdh(sixteen.toUdh())).contains(sixteen);
    }

    @Test
    void referenceOutOfRangeIsRefused() {
        assertThatThrownBy(() -> new Concatenation(256, false, 1, 1)).isInstanceOf(InvalidConcatenationException.class);
        assertThatThrownBy(() -> new Concatenation(65536, true, 1, 1)).isInstanceOf(InvalidConcatenationException.class);
    }
}
