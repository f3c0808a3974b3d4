package dev.ebb.gateway.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Splits a text into short messages for the HTTP API: one without header when it fits, else segments with an
 * 8-bit-reference concatenation header (3GPP TS 23.040 §9.2.3.24.1): 153 GSM septets, 67 UCS-2 code units or 134
 * octets each. A segment never ends between an escape and its extension character, nor inside a surrogate pair.
 */
public final class Segmenter {
    /** An 8-bit reference gives at most 255 segments (TS 23.040 §9.2.3.24.1). */
    public static final int MAX_SEGMENTS = 255;

    /**
     * One short message to submit.
     *
     * @param shortMessage  the short_message octets: user data header (when concatenated) then payload
     * @param concatenation present when the short message starts with a header; then set esm_class UDHI (0x40)
     */
    public record Segment(byte[] shortMessage, Optional<Concatenation> concatenation) {
    }

    private Segmenter() {
    }

    /**
     * Encodes and splits {@code text}.
     *
     * @param reference the concatenation reference, 0..255, which should differ between consecutive long messages
     *                  to the same handset
     * @throws InvalidContentException when the text cannot be encoded or needs more than 255 segments
     */
    public static List<Segment> split(String text, DataCoding coding, int reference) {
        if (reference < 0 || reference > 0xFF) {
            throw new IllegalArgumentException("8-bit concatenation reference must be 0..255, was " + reference);
        }
        byte[] payload = coding.encode(text);
        int octetsPerUnit = coding == DataCoding.UCS2 ? 2 : 1;
        if (payload.length <= coding.singleSegmentCapacity() * octetsPerUnit) {
            return List.of(new Segment(payload, Optional.empty()));
        }
        List<int[]> ranges = ranges(payload, coding, coding.concatenatedSegmentCapacity() * octetsPerUnit);
        if (ranges.size() > MAX_SEGMENTS) {
            throw new InvalidContentException("text needs " + ranges.size() + " segments, at most " + MAX_SEGMENTS + " are possible");
        }
        List<Segment> segments = new ArrayList<>(ranges.size());
        for (int i = 0; i < ranges.size(); i++) {
            Concatenation concatenation = new Concatenation(reference, false, ranges.size(), i + 1);
            byte[] udh = concatenation.toUdh();
            int[] range = ranges.get(i);
            byte[] shortMessage = Arrays.copyOf(udh, udh.length + range[1] - range[0]);
            System.arraycopy(payload, range[0], shortMessage, udh.length, range[1] - range[0]);
            segments.add(new Segment(shortMessage, Optional.of(concatenation)));
        }
        return segments;
    }

    private static List<int[]> ranges(byte[] payload, DataCoding coding, int maxOctets) {
        List<int[]> ranges = new ArrayList<>();
        int start = 0;
        while (start < payload.length) {
            int end = Math.min(start + maxOctets, payload.length);
            if (end < payload.length && splitsUnit(payload, start, end, coding)) {
                end -= coding == DataCoding.UCS2 ? 2 : 1;
            }
            ranges.add(new int[] {start, end});
            start = end;
        }
        return ranges;
    }

    /** Whether cutting before {@code end} separates an escape from its character or a high from a low surrogate. */
    private static boolean splitsUnit(byte[] payload, int start, int end, DataCoding coding) {
        if (coding == DataCoding.GSM7) {
            // Escapes pair with the next septet; count them from the segment start to know if the last one is open.
            boolean open = false;
            for (int i = start; i < end; i++) {
                open = !open && payload[i] == Gsm7.ESCAPE;
            }
            return open;
        }
        if (coding == DataCoding.UCS2) {
            int last = (payload[end - 2] & 0xFF) << 8 | payload[end - 1] & 0xFF;
            return Character.isHighSurrogate((char) last);
        }
        return false;
    }
}
