package dev.ebb.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ebb.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a cluster node ships of its store and what another node reads of it (issue 17): the positions of records in
 * append order across a day roll, each record's proof as bytes that verify after a round trip, and the other store's
 * sealed records opened with its day key wrapped under the transit key, and under nothing else.
 */
class ShippingTest {
    private static final Instant DAY1 = Instant.parse("2026-03-01T23:59:00Z");

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(DAY1);
    private final KeyWrapper kek = new TestKek((byte) 1);
    private final KeyWrapper transit = new TestKek((byte) 3);

    @Test
    void positionsRunInAppendOrderAcrossADayRoll() {
        try (MetadataStore store = MetadataStore.open(dir, MetadataStoreConfig.defaults(), clock, kek)) {
            store.append(Records.accepted(clock.instant(), "m1", "+4790000001").build());
            store.append(Records.accepted(clock.instant(), "m2", "+4790000002").build());
            clock.advance(Duration.ofMinutes(2));
            store.append(Records.accepted(clock.instant(), "m3", "+4790000003").build());

            RecordRef start = new RecordRef(DAY1.atZone(ZoneOffset.UTC).toLocalDate(), 0);
            List<RecordRef> all = store.refsFrom(start, 10);
            assertThat(all).extracting(r -> r.day().toString() + "/" + r.sequence())
                    .containsExactly("2026-03-01/0", "2026-03-01/1", "2026-03-02/0");
            assertThat(store.refsFrom(new RecordRef(start.day(), 2), 10)).containsExactly(all.get(2));
            assertThat(store.refsFrom(start, 2)).containsExactly(all.get(0), all.get(1));
            assertThat(store.countFrom(start)).isEqualTo(3);
            assertThat(store.countFrom(all.get(2))).isEqualTo(1);
            assertThat(store.countFrom(new RecordRef(all.get(2).day(), 1))).isZero();
        }
    }

    @Test
    void aShippedProofVerifiesAfterItsRoundTripAndItsRecordOpensOnlyWithTheTransitKey() {
        try (MetadataStore store = MetadataStore.open(dir, MetadataStoreConfig.defaults(), clock, kek)) {
            TrafficRecord sent = Records.accepted(clock.instant(), "m1", "+4790000001").build();
            store.append(sent);
            RecordRef ref = store.refsFrom(new RecordRef(clock.instant().atZone(ZoneOffset.UTC)
                    .toLocalDate(), 0), 1).get(0);

            InclusionProof proof = InclusionProof.decode(store.inclusionProofs(List.of(ref)).get(0).encode());
            byte[] key = store.wrappedDayKey(ref.day(), transit).orElseThrow();

            assertThat(InclusionProof.verify(proof, store.publicKey())).isTrue();
            assertThat(new String(proof.recordBytes(), StandardCharsets.ISO_8859_1)).doesNotContain("4790000001");
            assertThat(WrappedKeys.isWrapped(key)).isTrue();
            SealedDay day = SealedDay.open(ref.day(), key, transit, "node b");
            assertThat(day.read(proof.recordBytes())).contains(sent);
            long[] keys = day.indexKeys(sent);
            long[] wanted = day.queryKeys(new TrafficQuery.ByMsisdn("+4790000001", TrafficQuery.Role.DESTINATION));
            assertThat(Arrays.stream(keys).boxed().toList()).contains(wanted[0]);
            assertThatThrownBy(() -> SealedDay.open(ref.day(), key, kek, "node b"))
                    .as("the store's own KEK is not the transit key").isInstanceOf(KeyUnwrapException.class);
            assertThatThrownBy(() -> SealedDay.open(ref.day().plusDays(1), key, transit, "node b"))
                    .isInstanceOf(KeyUnwrapException.class);
            assertThat(store.wrappedDayKey(ref.day().plusDays(5), transit)).isEqualTo(Optional.empty());
        }
    }

    /** AES-GCM under a fixed key, the purpose as associated data: a KEK as the gateway's are. */
    private record TestKek(byte fill) implements KeyWrapper {
        @Override
        public byte[] wrap(byte[] key, String purpose) {
            return crypt(Cipher.ENCRYPT_MODE, key, purpose);
        }

        @Override
        public byte[] unwrap(byte[] wrapped, String purpose) {
            try {
                return crypt(Cipher.DECRYPT_MODE, wrapped, purpose);
            } catch (IllegalStateException e) {
                throw new KeyUnwrapException("does not open", e);
            }
        }

        private byte[] crypt(int mode, byte[] in, String purpose) {
            try {
                byte[] k = new byte[32];
                Arrays.fill(k, fill);
                Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
                c.init(mode, new SecretKeySpec(k, "AES"), new GCMParameterSpec(128, new byte[12]));
                c.updateAAD(purpose.getBytes(StandardCharsets.UTF_8));
                return c.doFinal(in);
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public String describe() {
            return "test kek " + fill;
        }
    }
}
