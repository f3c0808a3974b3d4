package dev.ebb.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ebb.testing.MutableClock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's C2SP checkpoints: one per signed head, signed under the log name, each consistent with the one before
 * (and refused when it would not be), tiles and proofs that match the RFC 6962 tree over the records as stored, and
 * what stays of a day once retention drops it.
 */
class CheckpointsTest {
    private static final Instant DAY1 = Instant.parse("2025-01-10T12:00:00Z");
    private static final LocalDate DAY = LocalDate.of(2025, 1, 10);
    private static final MetadataStoreConfig CONFIG = MetadataStoreConfig.defaults().withLogName("sms.example/ebb");

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(DAY1);

    @Test
    void eachSignedHeadPublishesACheckpointOfItsTreeUnderTheDaysOrigin() {
        try (MetadataStore store = MetadataStore.open(dir, CONFIG, clock)) {
            append(store, 5);
            SignedTreeHead head = store.signTreeHead().orElseThrow();
            SignedNote note = store.checkpoint(DAY).orElseThrow();

            assertThat(note.text()).isEqualTo("sms.example/ebb/2025-01-10\n5\n"
                    + java.util.Base64.getEncoder().encodeToString(head.rootHash()) + "\n");
            assertThat(note.verifiedBy(store.logKey())).isTrue();
            assertThat(store.logKey().name()).isEqualTo("sms.example/ebb");
            assertThat(store.logKey().javaKey()).isEqualTo(store.publicKey());
            assertThat(NoteVerifierKey.parse(store.logKey().toString())).isEqualTo(store.logKey());
        }
    }

    @Test
    void successiveCheckpointsOfADayAreProvablyConsistentAndTilesAreItsTree() {
        try (MetadataStore store = MetadataStore.open(dir, CONFIG, clock)) {
            append(store, 300);
            Checkpoint first = Checkpoint.parse(store.signTreeHead().map(h -> store.checkpoint(DAY).orElseThrow())
                    .orElseThrow().text());
            append(store, 300);
            store.signTreeHead();
            Checkpoint second = Checkpoint.parse(store.checkpoint(DAY).orElseThrow().text());
            List<byte[]> leaves = leaves(store, second.size());

            assertThat(first.size()).isEqualTo(300);
            assertThat(second.size()).isEqualTo(600);
            assertThat(second.rootHash()).isEqualTo(MerkleTree.root(leaves));
            List<byte[]> proof = store.consistencyProof(DAY, 300, 600);
            assertThat(proof).containsExactlyElementsOf(MerkleTree.consistencyProof(300, leaves));
            assertThat(MerkleTree.verifyConsistency(300, 600, first.rootHash(), second.rootHash(), proof)).isTrue();
            byte[] level1 = store.tile(DAY, new TilePath(1, 0, 2));
            assertThat(java.util.Arrays.copyOfRange(level1, 0, 32)).isEqualTo(MerkleTree.root(leaves.subList(0, 256)));
            assertThat(java.util.Arrays.copyOfRange(level1, 32, 64))
                    .isEqualTo(MerkleTree.root(leaves.subList(256, 512)));
            assertThat(MerkleTree.verifyInclusion(leaves.get(599), 599, 600,
                    store.inclusionPath(new RecordRef(DAY, 599), 600), second.rootHash())).isTrue();
            assertThatThrownBy(() -> store.tile(DAY, new TilePath(0, 2, 256)))
                    .hasMessageContaining("past the checkpointed size");
        }
    }

    @Test
    void aCheckpointInconsistentWithTheOneSignedBeforeIsNotSigned() throws Exception {
        DayFiles files = new DayFiles(dir);
        files.create();
        Checkpoints checkpoints = new Checkpoints(files, NoteSigner.of("sms.example/ebb",
                KeyPairGenerator.getInstance("Ed25519").generateKeyPair()));
        List<byte[]> honest = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            honest.add(MerkleTree.leafHash(new byte[] {(byte) i}));
        }
        writeLeaves(files, honest);
        try (DayTree tree = new DayTree(files.leavesFile(DAY), null)) {
            checkpoints.sign(DAY, 4, MerkleTree.root(honest.subList(0, 4)), tree);
        }
        String signed = checkpoints.latest(DAY).orElseThrow().format();
        List<byte[]> rewritten = new ArrayList<>(honest);
        rewritten.set(1, MerkleTree.leafHash(new byte[] {42}));
        writeLeaves(files, rewritten);

        try (DayTree tree = new DayTree(files.leavesFile(DAY), null)) {
            assertThatThrownBy(() -> checkpoints.sign(DAY, 6, MerkleTree.root(rewritten), tree))
                    .isInstanceOf(MetadataStoreException.class).hasMessageContaining("not consistent");
            assertThatThrownBy(() -> checkpoints.sign(DAY, 3, MerkleTree.root(honest.subList(0, 3)), tree))
                    .hasMessageContaining("not consistent");
        }
        assertThat(checkpoints.latest(DAY).orElseThrow().format()).isEqualTo(signed);
        writeLeaves(files, honest);
        try (DayTree tree = new DayTree(files.leavesFile(DAY), null)) {
            assertThat(Checkpoint.parse(checkpoints.sign(DAY, 6, MerkleTree.root(honest), tree).text()).size())
                    .isEqualTo(6);
        }
    }

    /**
     * Attack review: every proof and tile hashed its day from the leaves, so one consistency or inclusion request cost
     * O(day) and an export one such pass per record. A day's full 256-leaf chunks are hashed once: a leaf of a full
     * chunk changed on disk afterwards, which only a fresh pass over the leaves would see, leaves the next proof as
     * it was.
     */
    @Test
    void aDaysFullChunksAreHashedOnceNotOncePerProof() throws IOException {
        try (MetadataStore store = MetadataStore.open(dir, CONFIG, clock)) {
            append(store, 600);
            store.signTreeHead();
            Checkpoint cp = Checkpoint.parse(store.checkpoint(DAY).orElseThrow().text());
            byte[] leaf0 = leaves(store, 600).get(0);
            List<byte[]> first = store.consistencyProof(DAY, 1, 600);
            try (FileChannel leaves = FileChannel.open(dir.resolve("index").resolve(DAY + ".leaves"),
                    StandardOpenOption.WRITE)) {
                leaves.write(ByteBuffer.wrap(new byte[MerkleTree.HASH_LENGTH]), 300L * MerkleTree.HASH_LENGTH);
            }

            List<byte[]> second = store.consistencyProof(DAY, 1, 600);

            assertThat(MerkleTree.verifyConsistency(1, 600, leaf0, cp.rootHash(), first)).isTrue();
            assertThat(second).usingElementComparator(Arrays::compare).containsExactlyElementsOf(first);
        }
    }

    @Test
    void aPrunedDayLosesItsRecordsAndKeyWhileItsCosignedCheckpointStillVerifies() throws Exception {
        Cosignature regulator = Cosignature.signer("regulator.example/w1",
                KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
        try (MetadataStore store = MetadataStore.open(dir.resolve("store"), CONFIG, clock)) {
            append(store, 3);
            store.signTreeHead();
            Witness trusting = new Witness(dir.resolve("witness"), regulator, List.of(store.logKey()), clock);
            SignedNote note = store.checkpoint(DAY).orElseThrow();
            Witness.Answer a = trusting.addCheckpoint(Witness.requestBody(0, List.of(), note).getBytes(
                    StandardCharsets.UTF_8));
            assertThat(a.status()).isEqualTo(200);
            SignedNote cosigned = SignedNote.parse(note.format() + a.body());
            assertThat(store.addCosignatures(DAY, note.text(), cosigned.signatures().subList(1, 2))).isTrue();
            String published = store.checkpoint(DAY).orElseThrow().format();

            clock.set(DAY1.atOffset(ZoneOffset.UTC).plusMonths(12).plusDays(1).toInstant());
            assertThat(store.pruneExpired()).containsExactly(DAY);

            Path data = dir.resolve("store");
            assertThat(data.resolve("keys").resolve(DAY + ".key")).doesNotExist();
            assertThat(data.resolve("index").resolve(DAY + ".leaves")).doesNotExist();
            assertThat(new DayFiles(data).cycleFile(DAY)).doesNotExist();
            assertThatThrownBy(() -> store.tile(DAY, new TilePath(TilePath.ENTRIES, 0, 3)))
                    .hasMessageContaining("pruned");
            SignedNote kept = SignedNote.parse(store.checkpoint(DAY).orElseThrow().format());
            assertThat(kept.format()).isEqualTo(published);
            assertThat(kept.verifiedBy(store.logKey())).isTrue();
            assertThat(Cosignature.verify(kept, trusting.verifierKey())).isPresent();
            assertThat(Cosignature.verify(cosigned, trusting.verifierKey())).isPresent();
        }
    }

    private void append(MetadataStore store, int n) {
        for (int i = 0; i < n; i++) {
            store.append(Records.accepted(clock.instant(), "m-" + i, "+4790000001").build());
            clock.advance(Duration.ofMillis(1));
        }
    }

    private List<byte[]> leaves(MetadataStore store, long size) {
        List<byte[]> out = new ArrayList<>();
        byte[] tiles = store.tile(DAY, new TilePath(0, 0, 256));
        byte[] more = store.tile(DAY, new TilePath(0, 1, 256));
        byte[] last = store.tile(DAY, new TilePath(0, 2, (int) (size - 512)));
        for (byte[] t : List.of(tiles, more, last)) {
            for (int i = 0; i < t.length; i += 32) {
                out.add(java.util.Arrays.copyOfRange(t, i, i + 32));
            }
        }
        // The level-0 tiles are the records' leaves: each entry hashes to its tile hash.
        List<byte[]> entries = new ArrayList<>();
        for (long b = 0; b * 256 < size; b++) {
            entries.addAll(TlogMonitor.parseBundle(store.tile(DAY, new TilePath(TilePath.ENTRIES, b,
                    (int) Math.min(256, size - b * 256)))));
        }
        for (int i = 0; i < size; i++) {
            assertThat(MerkleTree.leafHash(entries.get(i))).isEqualTo(out.get(i));
        }
        return out;
    }

    private static void writeLeaves(DayFiles files, List<byte[]> leaves) throws IOException {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        leaves.forEach(b::writeBytes);
        Files.write(files.leavesFile(DAY), b.toByteArray());
    }
}
