package dev.ebb.gateway.privacy;

import static dev.ebb.gateway.privacy.VaultFixture.BUCKET_START;
import static dev.ebb.gateway.privacy.VaultFixture.marker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContentVaultTest {
    private static final Duration RETENTION = Duration.ofHours(72);

    @TempDir
    Path tmp;
    private VaultFixture f;

    @BeforeEach
    void openVault() {
        f = new VaultFixture(tmp);
    }

    @AfterEach
    void closeVault() {
        f.close();
    }

    @Test
    void contentIsReadableOneMinuteBeforeRetentionEnds() {
        VaultHandle handle = f.vault.put("acme", "m1", marker("readable"));

        f.clock.advance(RETENTION.minusMinutes(1));

        assertThat(f.vault.expireDue()).isZero();
        assertThat(f.vault.get(handle)).hasValueSatisfying(bytes -> assertThat(bytes).isEqualTo(marker("readable")));
    }

    @Test
    void contentIsUnrecoverableAtRetention() {
        byte[] marker = marker("shredded");
        VaultHandle handle = f.vault.put("acme", "m1", marker);
        byte[] keyBytes = liveKeyBytes(handle);
        assertThat(f.filesContaining(keyBytes)).as("the raw search finds the live key").isNotEmpty();

        f.clock.advance(RETENTION);

        assertThat(f.vault.expireDue()).isEqualTo(1);
        assertThat(f.vault.get(handle)).isEmpty();
        assertThat(f.keys.hasKey("acme", handle.bucket())).isFalse();
        assertThat(f.contentFiles()).isEmpty();
        assertThat(f.keys.keyPath(handle.bucketId())).doesNotExist();
        assertThat(f.filesContaining(marker)).isEmpty();
        assertThat(f.filesContaining(keyBytes)).isEmpty();
    }

    @Test
    void contentIsNotStoredInPlaintext() {
        byte[] marker = marker("encrypted");
        VaultHandle handle = f.vault.put("acme", "m1", marker);

        assertThat(f.contentFiles()).hasSize(1);
        assertThat(f.filesContaining(marker)).isEmpty();
        assertThat(f.vault.get(handle)).hasValueSatisfying(bytes -> assertThat(bytes).isEqualTo(marker));
    }

    @Test
    void messageInTheLastSecondOfItsBucketLivesRetentionMinusBucketWidth() {
        f.clock.set(BUCKET_START.plus(Duration.ofHours(1)).minusSeconds(1));
        VaultHandle handle = f.vault.put("acme", "m1", marker("late"));
        assertThat(handle.bucket()).isEqualTo(BUCKET_START);

        f.clock.set(BUCKET_START.plus(RETENTION).minusMillis(1));
        f.vault.expireDue();
        assertThat(f.vault.get(handle)).isPresent();

        f.clock.set(BUCKET_START.plus(RETENTION));
        f.vault.expireDue();
        assertThat(f.vault.get(handle)).isEmpty();
    }

    @Test
    void expiryOfABucketLeavesTheNextBucketReadable() {
        VaultHandle first = f.vault.put("acme", "m1", marker("first"));
        f.clock.advance(Duration.ofHours(1));
        VaultHandle second = f.vault.put("acme", "m2", marker("second"));

        f.clock.set(BUCKET_START.plus(RETENTION));

        assertThat(f.vault.expireDue()).isEqualTo(1);
        assertThat(f.vault.get(first)).isEmpty();
        assertThat(f.vault.get(second)).hasValueSatisfying(bytes -> assertThat(bytes).isEqualTo(marker("second")));
    }

    @Test
    void strippedContentIsNotReadable() {
        VaultHandle handle = f.vault.put("acme", "m1", marker("stripped"));

        f.vault.strip(handle);

        assertThat(f.vault.get(handle)).isEmpty();
    }

    @Test
    void strippedMessageIsNotPending() {
        VaultHandle stripped = f.vault.put("acme", "m1", marker("stripped"));
        VaultHandle kept = f.vault.put("acme", "m2", marker("kept"));

        f.vault.strip(stripped);

        assertThat(pending(f.vault)).extracting(Entry::handle).containsExactly(kept);
    }

    @Test
    void stripSurvivesRestart() {
        VaultHandle handle = f.vault.put("acme", "m1", marker("stripped"));
        f.vault.strip(handle);

        ContentVault reopened = f.restart();

        assertThat(reopened.get(handle)).isEmpty();
        assertThat(pending(reopened)).isEmpty();
    }

    /** Issue 18: content gone before its message is final is named after a restart, until stripped once final. */
    @Test
    void contentStrippedBeforeItsMessageIsFinalIsNamedAtRestartUntilStrippedAgain() {
        VaultHandle early = f.vault.put("acme", "m1", marker("early"));
        VaultHandle kept = f.vault.put("acme", "m2", marker("kept"));

        assertThat(f.vault.stripBeforeFinal(early)).isTrue();
        assertThat(f.vault.stripBeforeFinal(early)).isFalse();
        assertThat(f.vault.get(early)).isEmpty();
        assertThat(f.vault.heldMessages()).isEqualTo(1);
        ContentVault reopened = f.restart();
        List<VaultHandle> named = new ArrayList<>();
        List<Entry> pending = new ArrayList<>();
        reopened.forEachPending((handle, content) -> pending.add(new Entry(handle, content)), unreadable -> {
            throw new AssertionError("unreadable " + unreadable.messageId());
        }, named::add);

        assertThat(pending).extracting(Entry::handle).containsExactly(kept);
        assertThat(named).containsExactly(early);
        assertThat(reopened.strip(early)).as("the content went already").isFalse();
        named.clear();
        f.restart().forEachPending((handle, content) -> { }, unreadable -> { }, named::add);
        assertThat(named).isEmpty();
        assertThat(f.filesContaining(marker("early"))).isEmpty();
    }

    @Test
    void pendingMessagesSurviveRestartInWriteOrder() {
        VaultHandle a1 = f.vault.put("acme", "a1", marker("a1"));
        VaultHandle b1 = f.vault.put("bolt", "b1", marker("b1"));
        VaultHandle a2 = f.vault.put("acme", "a2", marker("a2"));
        f.clock.advance(Duration.ofHours(1));
        VaultHandle b2 = f.vault.put("bolt", "b2", marker("b2"));

        ContentVault reopened = f.restart();

        List<Entry> pending = pending(reopened);
        assertThat(pending).extracting(Entry::handle).containsExactly(a1, b1, a2, b2);
        assertThat(pending).allSatisfy(e ->
                assertThat(e.content()).isEqualTo(marker(e.handle().messageId())));
    }

    @Test
    void handlesFromBeforeRestartStillRead() {
        VaultHandle handle = f.vault.put("acme", "m1", marker("durable"));

        ContentVault reopened = f.restart();

        assertThat(reopened.get(handle)).hasValueSatisfying(bytes -> assertThat(bytes).isEqualTo(marker("durable")));
    }

    @Test
    void putsAfterRestartAppendToTheSameBucket() {
        VaultHandle before = f.vault.put("acme", "m1", marker("before"));
        ContentVault reopened = f.restart();

        VaultHandle after = reopened.put("acme", "m2", marker("after"));

        assertThat(after.bucket()).isEqualTo(before.bucket());
        assertThat(after.position()).isGreaterThan(before.position());
        assertThat(pending(reopened)).extracting(Entry::handle).containsExactly(before, after);
    }

    @Test
    void expiredBucketStaysDeadAfterRestart() {
        VaultHandle handle = f.vault.put("acme", "m1", marker("dead"));
        f.clock.advance(RETENTION);
        f.vault.expireDue();

        ContentVault reopened = f.restart();

        assertThat(reopened.get(handle)).isEmpty();
        assertThat(pending(reopened)).isEmpty();
        assertThat(f.keys.hasKey("acme", handle.bucket())).isFalse();
        assertThat(f.contentFiles()).isEmpty();
    }

    @Test
    void bucketThatExpiredWhileTheGatewayWasDownIsShreddedAtOpen() {
        byte[] marker = marker("down");
        VaultHandle handle = f.vault.put("acme", "m1", marker);
        byte[] keyBytes = liveKeyBytes(handle);
        f.vault.close();
        f.clock.advance(RETENTION);

        ContentVault reopened = f.open();

        assertThat(reopened.get(handle)).isEmpty();
        assertThat(f.contentFiles()).isEmpty();
        assertThat(f.filesContaining(keyBytes)).isEmpty();
    }

    @Test
    void corruptedKeyFileFailsOpenNamingThePath() throws IOException {
        VaultHandle handle = f.vault.put("acme", "m1", marker("x"));
        f.vault.close();
        Path keyFile = f.keys.keyPath(handle.bucketId());
        flipByte(keyFile, 20);

        assertThatThrownBy(() -> KeyRing.open(f.keyDir))
                .isInstanceOf(KeyStoreCorruptedException.class)
                .hasMessageContaining(keyFile.toString())
                .hasMessageContaining("checksum mismatch");
    }

    @Test
    void corruptedKeyStoreMarkerFailsOpen() throws IOException {
        f.vault.put("acme", "m1", marker("x"));
        f.vault.close();
        Path markerFile = f.keyDir.resolve(KeyRing.MARKER_FILE);
        flipByte(markerFile, 8);

        assertThatThrownBy(() -> KeyRing.open(f.keyDir))
                .isInstanceOf(KeyStoreCorruptedException.class)
                .hasMessageContaining(markerFile.toString());
    }

    @Test
    void missingKeyStoreWhileContentExistsFailsOpen() throws IOException {
        f.vault.put("acme", "m1", marker("x"));
        f.vault.close();
        deleteRecursively(f.keyDir);

        KeyRing empty = KeyRing.open(f.keyDir);

        assertThatThrownBy(() -> ContentVault.open(f.contentDir, empty, VaultFixture.CONFIG, f.clock))
                .isInstanceOf(KeyStoreMissingException.class)
                .hasMessageContaining(f.keyDir.toString())
                .hasMessageContaining("missing or empty");
        assertThat(f.contentFiles()).hasSize(1);
    }

    @Test
    void missingKeyOfAContentFileFailsOpen() throws IOException {
        VaultHandle handle = f.vault.put("acme", "m1", marker("x"));
        f.vault.close();
        Files.delete(f.keys.keyPath(handle.bucketId()));

        KeyRing incomplete = KeyRing.open(f.keyDir);

        assertThatThrownBy(() -> ContentVault.open(f.contentDir, incomplete, VaultFixture.CONFIG, f.clock))
                .isInstanceOf(KeyStoreMissingException.class)
                .hasMessageContaining("no key for content file")
                .hasMessageContaining(f.keys.keyPath(handle.bucketId()).toString());
    }

    @Test
    void keyStoreOfAnotherVaultIsRefused() {
        f.vault.put("acme", "m1", marker("x"));
        f.vault.close();
        VaultFixture other = new VaultFixture(tmp.resolve("other"));
        other.close();

        KeyRing foreign = KeyRing.open(other.keyDir);

        assertThatThrownBy(() -> ContentVault.open(f.contentDir, foreign, VaultFixture.CONFIG, f.clock))
                .isInstanceOf(KeyStoreMissingException.class)
                .hasMessageContaining("encrypted under");
    }

    @Test
    void eraseCustomerDestroysOnlyThatCustomersContent() {
        VaultHandle acme1 = f.vault.put("acme", "a1", marker("acme-1"));
        VaultHandle bolt1 = f.vault.put("bolt", "b1", marker("bolt-1"));
        f.clock.advance(Duration.ofHours(1));
        VaultHandle acme2 = f.vault.put("acme", "a2", marker("acme-2"));

        assertThat(f.vault.eraseCustomer("acme")).isEqualTo(2);

        assertThat(f.vault.get(acme1)).isEmpty();
        assertThat(f.vault.get(acme2)).isEmpty();
        assertThat(f.keys.hasKey("acme", acme1.bucket())).isFalse();
        assertThat(f.keys.hasKey("acme", acme2.bucket())).isFalse();
        assertThat(f.vault.get(bolt1)).hasValueSatisfying(bytes -> assertThat(bytes).isEqualTo(marker("bolt-1")));
        assertThat(f.contentFiles()).containsExactly(f.vault.contentPath(bolt1.bucketId()));
        assertThat(pending(f.restart())).extracting(Entry::handle).containsExactly(bolt1);
    }

    @Test
    void bucketOfManyMessagesExpiresWithOneKeyDestructionAndOneFileDeletion() {
        List<VaultHandle> handles = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            handles.add(f.vault.put("acme", "m" + i, marker("bulk-" + i)));
        }
        assertThat(f.contentFiles()).hasSize(1);
        assertThat(f.keys.liveKeyCount()).isEqualTo(1);

        f.clock.advance(RETENTION);

        assertThat(f.vault.expireDue()).isEqualTo(1);
        assertThat(f.contentFiles()).isEmpty();
        assertThat(f.keys.liveKeyCount()).isZero();
        assertThat(f.vault.get(handles.get(handles.size() - 1))).isEmpty();
    }

    @Test
    void failedDecryptionDoesNotRevealContent() throws IOException {
        byte[] marker = marker("secret");
        VaultHandle handle = f.vault.put("acme", "m1", marker);
        int idLength = handle.messageId().getBytes(StandardCharsets.UTF_8).length;
        flipByte(f.vault.contentPath(handle.bucketId()),
                handle.position() + RecordHeader.ciphertextOffset(idLength) + 3);

        Throwable failure = catchThrowable(() -> f.vault.get(handle));

        assertThat(failure).isInstanceOf(VaultCorruptedException.class).hasMessageContaining("m1");
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        assertThat(trace.toString()).doesNotContain(new String(marker, StandardCharsets.UTF_8)).doesNotContain("secret");
    }

    @Test
    void handleOfAnotherMessageIsRefused() {
        VaultHandle handle = f.vault.put("acme", "m1", marker("x"));
        VaultHandle forged = new VaultHandle("acme", handle.bucket(), handle.position(), "m2");

        assertThatThrownBy(() -> f.vault.get(forged)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> f.vault.strip(forged)).isInstanceOf(IllegalArgumentException.class);
        assertThat(f.vault.get(handle)).isPresent();
    }

    /**
     * Issue 9 item 1: a record larger than a thread's first buffer (a message_payload of ~850 bytes and more) read on
     * a thread that never wrote one, as the southbound sending threads do, failed AES-GCM authentication.
     */
    @Test
    void recordsOfEverySizeAroundTheFirstBufferAndUpTo64KiBReadBackOnAFreshThread() throws Exception {
        List<Integer> sizes = new ArrayList<>();
        for (int size = 900; size <= 1_100; size++) {
            sizes.add(size);
        }
        sizes.addAll(List.of(2_000, 4_096, 65_535, 65_535 + 300, RecordHeader.MAX_SEALED_LENGTH));
        for (int size : sizes) {
            byte[] content = new byte[size];
            new java.util.Random(size).nextBytes(content);
            VaultHandle handle = f.vault.put("acme", "m" + size, content);
            ExecutorService fresh = Executors.newSingleThreadExecutor();
            try {
                assertThat(fresh.submit(() -> f.vault.get(handle)).get()).as("sealed length %d", size)
                        .hasValueSatisfying(read -> assertThat(read).isEqualTo(content));
            } finally {
                fresh.shutdown();
            }
        }
        assertThat(pending(f.restart())).hasSize(sizes.size())
                .allSatisfy(e -> assertThat(e.content()).hasSize(Integer.parseInt(e.handle().messageId().substring(1))));
    }

    @Test
    void concurrentPutsFromSeveralThreadsAreAllStoredIntact() throws Exception {
        int threads = 4;
        int perThread = 2_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<List<VaultHandle>>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String customer = t % 2 == 0 ? "acme" : "bolt";
            int thread = t;
            futures.add(pool.submit(() -> {
                List<VaultHandle> handles = new ArrayList<>();
                for (int i = 0; i < perThread; i++) {
                    handles.add(f.vault.put(customer, "t" + thread + "-" + i, marker("t" + thread + "-" + i)));
                }
                return handles;
            }));
        }
        List<VaultHandle> all = new ArrayList<>();
        for (Future<List<VaultHandle>> future : futures) {
            all.addAll(future.get());
        }
        pool.shutdown();

        assertThat(all).allSatisfy(h ->
                assertThat(f.vault.get(h)).hasValueSatisfying(b -> assertThat(b).isEqualTo(marker(h.messageId()))));
        assertThat(pending(f.restart())).hasSize(threads * perThread);
    }

    @Test
    void recordBehindAGapLeftByAnInterruptedWriteIsRecovered() throws IOException {
        VaultHandle lost = f.vault.put("acme", "m1", marker("m1"));
        VaultHandle second = f.vault.put("acme", "m2", marker("m2"));
        VaultHandle third = f.vault.put("acme", "m3", marker("m3"));
        f.vault.close();
        // A put that reserved its space but was killed before writing leaves zeros ahead of later, complete records.
        zero(f.vault.contentPath(lost.bucketId()), lost.position(), second.position() - lost.position());

        ContentVault reopened = f.open();

        assertThat(pending(reopened)).extracting(Entry::handle).containsExactly(second, third);
    }

    @Test
    void recordTornByACrashIsSkipped() throws IOException {
        VaultHandle whole = f.vault.put("acme", "m1", marker("m1"));
        VaultHandle torn = f.vault.put("acme", "m2", marker("m2"));
        f.vault.close();
        Path file = f.vault.contentPath(torn.bucketId());
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(Files.size(file) - 8);
        }

        ContentVault reopened = f.open();

        assertThat(pending(reopened)).extracting(Entry::handle).containsExactly(whole);
    }

    @Test
    void aRecordDamagedOnDiskIsHandedOverAsUnreadableAtRestartNotSkipped() throws IOException {
        VaultHandle damaged = f.vault.put("acme", "m1", marker("m1"));
        VaultHandle intact = f.vault.put("acme", "m2", marker("m2"));
        int idLength = damaged.messageId().getBytes(StandardCharsets.UTF_8).length;
        flipByte(f.vault.contentPath(damaged.bucketId()), damaged.position() + RecordHeader.ciphertextOffset(idLength) + 1);
        ContentVault reopened = f.restart();
        List<VaultHandle> read = new ArrayList<>();
        List<VaultHandle> unreadable = new ArrayList<>();

        reopened.forEachPending((handle, content) -> read.add(handle), unreadable::add);

        assertThat(read).containsExactly(intact);
        assertThat(unreadable).containsExactly(damaged);
    }

    private byte[] liveKeyBytes(VaultHandle handle) {
        Path keyFile = f.keys.keyPath(handle.bucketId());
        return KeyFile.decode(keyFile, VaultFixture.read(keyFile)).key();
    }

    private static List<Entry> pending(ContentVault vault) {
        List<Entry> entries = new ArrayList<>();
        vault.forEachPending((handle, content) -> entries.add(new Entry(handle, content)), unreadable -> {
            throw new AssertionError("unreadable " + unreadable.messageId());
        });
        return entries;
    }

    private static void flipByte(Path file, long position) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, position);
            one.put(0, (byte) (one.get(0) ^ 0x5A)).rewind();
            channel.write(one, position);
        }
    }

    private static void zero(Path file, long position, long length) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(Math.toIntExact(length)), position);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private record Entry(VaultHandle handle, byte[] content) {
    }
}
