package dev.ebb.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SegmenterTest {

    /** Reassembles the way a handset does: strip each header, concatenate payloads, decode once. */
    private static String reassemble(List<Segmenter.Segment> segments, DataCoding coding) {
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        for (Segmenter.Segment segment : segments) {
            byte[] sm = segment.shortMessage();
            int udh = segment.concatenation().isPresent() ? Concatenation.udhLength(Concatenation.ESM_CLASS_UDHI, sm) : 0;
            payload.write(sm, udh, sm.length - udh);
        }
        return coding.decode(payload.toByteArray());
    }

    private static int payloadLength(Segmenter.Segment segment) {
        return segment.shortMessage().length - 6;
    }

    @Test
    void textThatFitsIsOneSegmentWithoutHeader() {
        List<Segmenter.Segment> segments = Segmenter.split("a".repeat(160), DataCoding.GSM7, 1);

        assertThat(segments).hasSize(1);
        assertThat(segments.get(0).concatenation()).isEmpty();
        assertThat(segments.get(0).shortMessage()).hasSize(160);
    }

    @Test
    void gsmTextOver160SeptetsSplitsIn153() {
        List<Segmenter.Segment> segments = Segmenter.split("a".repeat(161), DataCoding.GSM7, 7);

        assertThat(segments).hasSize(2);
        assertThat(payloadLength(segments.get(0))).isEqualTo(153);
        assertThat(payloadLength(segments.get(1))).isEqualTo(8);
    }

    @Test
    void segmentsCarryReferenceTotalAndSequence() {
        List<Segmenter.Segment> segments = Segmenter.split("a".repeat(400), DataCoding.GSM7, 42);

        assertThat(segments).extracting(s -> s.concatenation().orElseThrow()).containsExactly(
                new Concatenation(42, false, 3, 1), new Concatenation(42, false, 3, 2), new Concatenation(42, false, 3, 3));
        assertThat(Concatenation.fromShortMessage(Concatenation.ESM_CLASS_UDHI, segments.get(1).shortMessage()))
                .contains(new Concatenation(42, false, 3, 2));
    }

    @Test
    void escapeSequenceIsNeverSplitAcrossSegments() {
        String text = "a".repeat(152) + "€" + "b".repeat(20);

        List<Segmenter.Segment> segments = Segmenter.split(text, DataCoding.GSM7, 1);

        assertThat(payloadLength(segments.get(0))).isEqualTo(152);
        assertThat(reassemble(segments, DataCoding.GSM7)).isEqualTo(text);
    }

    @Test
    void escapeSequenceEndingExactlyAtBoundaryStays() {
        String text = "a".repeat(151) + "€" + "b".repeat(20);

        assertThat(payloadLength(Segmenter.split(text, DataCoding.GSM7, 1).get(0))).isEqualTo(153);
    }

    @Test
    void ucs2TextOver70CharactersSplitsIn67() {
        List<Segmenter.Segment> segments = Segmenter.split("ж".repeat(71), DataCoding.UCS2, 1);

        assertThat(segments).hasSize(2);
        assertThat(payloadLength(segments.get(0))).isEqualTo(134);
    }

    @Test
    void surrogatePairIsNeverSplitAcrossSegments() {
        String text = "ж".repeat(66) + "😀" + "ж".repeat(10);

        List<Segmenter.Segment> segments = Segmenter.split(text, DataCoding.UCS2, 1);

        assertThat(payloadLength(segments.get(0))).isEqualTo(132);
        assertThat(DataCoding.UCS2.decode(Arrays.copyOfRange(segments.get(1).shortMessage(), 6, 10))).isEqualTo("😀");
        assertThat(reassemble(segments, DataCoding.UCS2)).isEqualTo(text);
    }

    @Test
    void eightBitPayloadSplitsIn134Octets() {
        List<Segmenter.Segment> segments = Segmenter.split("ab".repeat(141), DataCoding.BINARY, 1);

        assertThat(segments).hasSize(2);
        assertThat(payloadLength(segments.get(0))).isEqualTo(134);
    }

    @Test
    void longMixedTextReassemblesExactly() {
        String text = "Hei {på} deg € [test] ~ ".repeat(60);

        assertThat(reassemble(Segmenter.split(text, DataCoding.GSM7, 255), DataCoding.GSM7)).isEqualTo(text);
    }

    @Test
    void emptyTextIsOneEmptySegment() {
        assertThat(Segmenter.split("", DataCoding.GSM7, 0)).singleElement()
                .satisfies(s -> assertThat(s.shortMessage()).isEmpty());
    }

    @Test
    void textNeedingMoreThan255SegmentsIsRefused() {
        assertThatThrownBy(() -> Segmenter.split("a".repeat(153 * 255 + 1), DataCoding.GSM7, 1))
                .isInstanceOf(InvalidContentException.class)
                .hasMessageContaining("256 segments");
    }

    @Test
    void exactly255SegmentsAreAllowed() {
        assertThat(Segmenter.split("a".repeat(153 * 255), DataCoding.GSM7, 1)).hasSize(255);
    }

    @Test
    void referenceMustFitEightBits() {
        assertThatThrownBy(() -> Segmenter.split("a", DataCoding.GSM7, 256)).isInstanceOf(IllegalArgumentException.class);
    }
}
