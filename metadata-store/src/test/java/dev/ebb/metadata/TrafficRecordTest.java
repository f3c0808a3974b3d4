package dev.ebb.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TrafficRecordTest {
    private static final Instant T = Instant.parse("2025-03-01T10:00:00Z");

    @Test
    void missingMandatoryFieldIsRefusedNamingTheField() {
        assertThatThrownBy(() -> Records.accepted(T, "m1", "+4790000001").customerId(null).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("customerId");
        assertThatThrownBy(() -> Records.accepted(T, "m1", "+4790000001").eventType(null).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("eventType");
    }

    @Test
    void outOfRangeValueIsRefusedNamingFieldAndRange() {
        assertThatThrownBy(() -> Records.accepted(T, "m1", "+4790000001").segment(3, 2, 0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("segmentIndex")
                .hasMessageContaining("1..2");
        assertThatThrownBy(() -> Records.accepted(T, "m1", "+4790000001").dataCoding(256).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dataCoding");
    }

    @Test
    void unparseableDestinationIsRefusedWithoutEchoingTheNumber() {
        assertThatThrownBy(() -> Records.accepted(T, "m1", "+47900x00123").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("destination")
                .hasMessageNotContaining("+47900x00123");
    }

    @Test
    void destinationIsNormalisedToE164() {
        assertThat(Records.accepted(T, "m1", "0047 900 00 001").build().destination()).isEqualTo("+4790000001");
    }

    @Test
    void encodedRecordDecodesToTheSameRecordAndHoldsNoNumberInClear() {
        DayCrypto crypto = new DayCrypto(new byte[32], DayCrypto.WRITER_CACHE);
        Random rnd = new Random(7);
        ByteBuffer buf = ByteBuffer.allocate(RecordCodec.MAX_ENCODED);
        long[] keys = new long[RecordCodec.MAX_KEYS];
        for (int i = 0; i < 500; i++) {
            TrafficRecord r = Records.random(rnd, T, i);
            RecordCodec.encode(r, crypto, buf, keys);
            byte[] bytes = new byte[buf.remaining()];
            buf.get(bytes);
            assertThat(new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1))
                    .doesNotContain(r.destination().substring(1));
            assertThat(RecordCodec.decode(ByteBuffer.wrap(bytes), new DayCrypto(new byte[32], DayCrypto.READER_CACHE)))
                    .isEqualTo(r);
        }
    }

    /** Issue 18: a record without a reference keeps layout 1; one with a reference is layout 2 and indexed by it. */
    @Test
    void aReferenceIsLayoutTwoAndIndexedOnlyOnTheAcceptedRecord() {
        DayCrypto crypto = new DayCrypto(new byte[32], DayCrypto.WRITER_CACHE);
        ByteBuffer buf = ByteBuffer.allocate(RecordCodec.MAX_ENCODED);
        long[] keys = new long[RecordCodec.MAX_KEYS];
        TrafficRecord plain = Records.accepted(T, "m1", "+4790000001").build();
        TrafficRecord referenced = plain.toBuilder().reference("order 77 ✓").build();

        assertThat(RecordCodec.encode(plain, crypto, buf, keys)).isEqualTo(RecordCodec.KEY_COUNT);
        assertThat(buf.get(0)).isEqualTo((byte) 1);
        assertThat(RecordCodec.encode(referenced, crypto, buf, keys)).isEqualTo(RecordCodec.MAX_KEYS);
        assertThat(buf.get(0)).isEqualTo((byte) 2);
        assertThat(keys[RecordCodec.KEY_REFERENCE]).isEqualTo(RecordCodec.referenceKey(crypto, "acme", "order 77 ✓"));
        assertThat(RecordCodec.decode(buf, new DayCrypto(new byte[32], DayCrypto.READER_CACHE))).isEqualTo(referenced);
        TrafficRecord delivered = referenced.toBuilder().eventType(EventType.DELIVERED).build();
        assertThat(RecordCodec.encode(delivered, crypto, buf, keys)).isEqualTo(RecordCodec.KEY_COUNT);
    }

    @Test
    void aReferenceOverSixtyFourCharactersOrWithAControlCharacterIsRefused() {
        TrafficRecord.Builder r = Records.accepted(T, "m1", "+4790000001");
        assertThat(r.reference("😀".repeat(64)).build().reference()).hasSize(128);
        assertThatThrownBy(() -> r.reference("x".repeat(65)).build()).hasMessageContaining("reference")
                .hasMessageContaining("1..64");
        assertThatThrownBy(() -> r.reference("a\nb").build()).hasMessageContaining("control");
        assertThatThrownBy(() -> r.reference("a\u0085b").build()).hasMessageContaining("control");
        assertThatThrownBy(() -> r.reference("a\ud800").build()).hasMessageContaining("surrogate");
        assertThatThrownBy(() -> r.reference("").build()).hasMessageContaining("reference");
    }

    @Test
    void decodingUnderAnotherDayKeyFails() {
        ByteBuffer buf = ByteBuffer.allocate(RecordCodec.MAX_ENCODED);
        RecordCodec.encode(Records.accepted(T, "m1", "+4790000001").build(),
                new DayCrypto(new byte[32], DayCrypto.WRITER_CACHE), buf, new long[RecordCodec.MAX_KEYS]);
        byte[] other = new byte[32];
        other[0] = 1;
        assertThatThrownBy(() -> RecordCodec.decode(buf, new DayCrypto(other, DayCrypto.READER_CACHE)))
                .isInstanceOf(CorruptRecordException.class);
    }
}
