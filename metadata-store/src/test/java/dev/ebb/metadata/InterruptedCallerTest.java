package dev.ebb.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A caller's interrupt is the caller's: an executor stopped with {@code shutdownNow}, or a thread interrupted to wake
 * it, may be in the store when it comes. A {@code FileChannel} used by an interrupted thread is closed under it
 * (ClosedByInterruptException), and the store took that for a failed write and stopped taking appends from every
 * thread (seen in a cluster node's shutdown: its record shipper, interrupted while the store signed a tree head,
 * made the RECEIPT_FORWARDED records of the node's other threads fail). The store now runs its writes with the
 * caller's interrupt put aside, and gives it back after.
 */
class InterruptedCallerTest {
    private static final Instant NOW = Instant.parse("2025-01-10T12:00:00Z");

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(NOW);

    @Test
    void anInterruptedCallerStoresItsRecordsSignsAndLeavesTheStoreWritable() {
        try (MetadataStore store = MetadataStore.open(dir.resolve("metadata"), MetadataStoreConfig.defaults(), clock)) {
            store.append(Records.accepted(NOW, "m-before", "4790000001").build());

            Thread.currentThread().interrupt();
            store.append(Records.accepted(NOW, "m-interrupted", "4790000002").build());
            store.signTreeHead();
            List<InclusionProof> proofs = store.inclusionProofs(store.refsFrom(new RecordRef(NOW.atZone(
                    java.time.ZoneOffset.UTC).toLocalDate(), 0), 10));
            store.force();
            assertThat(Thread.interrupted()).as("the caller's interrupt given back").isTrue();

            assertThat(store.writable()).as("still taking appends").isTrue();
            store.append(Records.accepted(NOW, "m-after", "4790000003").build());
            assertThat(proofs).hasSize(2);
            for (String id : List.of("m-before", "m-interrupted", "m-after")) {
                assertThat(store.query(TrafficQuery.byMessageId(id, NOW.minus(Duration.ofHours(1)),
                        NOW.plus(Duration.ofHours(1)))).records()).as(id).hasSize(1);
            }
        } finally {
            Thread.interrupted();
        }
    }
}
