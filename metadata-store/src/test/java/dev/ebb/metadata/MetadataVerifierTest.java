package dev.ebb.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ebb.testing.MutableClock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link MetadataVerifier}: verification from outside the writing process, as {@code ebb verify} runs it. */
class MetadataVerifierTest {
    private static final Instant DAY1 = Instant.parse("2025-01-10T12:00:00Z");
    private static final LocalDate FIRST = LocalDate.of(2025, 1, 10);
    private static final LocalDate LAST = LocalDate.of(2025, 1, 12);
    private static final MetadataStoreConfig CONFIG = MetadataStoreConfig.defaults();

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(DAY1);

    @Test
    void aClosedStoreVerifiesWithoutAnyFileOfItChanging() throws Exception {
        try (MetadataStore store = MetadataStore.open(dir, CONFIG, clock)) {
            appendDays(store);
        }
        Map<String, String> before = contents();
        VerifyReport report = MetadataVerifier.verify(dir, CONFIG, clock, FIRST, LAST);
        assertThat(report.ok()).as(report.toString()).isTrue();
        assertThat(report.recordsChecked()).isEqualTo(60);
        assertThat(contents()).isEqualTo(before);
    }

    @Test
    void aFlippedByteInARecordIsFound() throws IOException {
        try (MetadataStore store = MetadataStore.open(dir, CONFIG, clock)) {
            appendDays(store);
        }
        Path cycle = new DayFiles(dir).cycleFile(FIRST.plusDays(1));
        byte[] bytes = Files.readAllBytes(cycle);
        int at = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("m-1-7x");
        try (FileChannel ch = FileChannel.open(cycle, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {(byte) (bytes[at + 2] ^ 1)}), at + 2);
        }
        VerifyReport report = MetadataVerifier.verify(dir, CONFIG, clock, FIRST, LAST);
        assertThat(report.firstProblem()).get().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(VerifyReport.Kind.CHANGED);
            assertThat(p.day()).isEqualTo(FIRST.plusDays(1));
            assertThat(p.sequence()).isEqualTo(7);
        });
    }

    @Test
    void whileTheStoreAppendsTodaysRecordsNotYetSignedAreLeftForLaterAndEarlierDaysAreChecked() {
        try (MetadataStore store = MetadataStore.open(dir, CONFIG, clock)) {
            appendDays(store);
            VerifyReport report = MetadataVerifier.verify(dir, CONFIG, clock, FIRST, LAST);
            assertThat(report.ok()).as(report.toString()).isTrue();
            assertThat(report.recordsChecked()).isEqualTo(40);
            store.signTreeHead();
            assertThat(MetadataVerifier.verify(dir, CONFIG, clock, FIRST, LAST).recordsChecked()).isEqualTo(60);
        }
    }

    @Test
    void anotherPublicKeyFindsBadSignatures() throws NoSuchAlgorithmException {
        try (MetadataStore store = MetadataStore.open(dir, CONFIG, clock)) {
            appendDays(store);
        }
        VerifyReport report = MetadataVerifier.verify(dir, KeyPairGenerator.getInstance("Ed25519").generateKeyPair()
                .getPublic(), CONFIG, clock, FIRST, LAST);
        assertThat(report.firstProblem()).get().extracting(VerifyReport.Problem::kind)
                .isEqualTo(VerifyReport.Kind.BAD_SIGNATURE);
    }

    @Test
    void aDirectoryWithoutAStoreIsRefusedAndLeftEmpty() throws IOException {
        assertThatThrownBy(() -> MetadataVerifier.verify(dir, KeyPairGenerator.getInstance("Ed25519")
                .generateKeyPair().getPublic(), CONFIG, clock, FIRST, LAST))
                .isInstanceOf(MetadataStoreException.class).hasMessageContaining("no metadata store");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aMiddleHeadWithABadSignatureIsFoundByVerifyingItsDayWhileOpeningChecksTheChainLinksOnly() throws IOException {
        // Issue 15: opening checked every head's signature, a minute's each: a year's 525,600 took minutes.
        appendHeadsOverTwoDays();
        flipSignatureByte(1);

        try (MetadataStore store = MetadataStore.open(dir, CONFIG, clock)) {
            assertThat(store.writable()).isTrue();
        }
        assertThat(MetadataVerifier.verify(dir, CONFIG, clock, FIRST, FIRST).firstProblem()).get().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(VerifyReport.Kind.BAD_SIGNATURE);
            assertThat(p.day()).isEqualTo(FIRST);
        });
        VerifyReport nextDay = MetadataVerifier.verify(dir, CONFIG, clock, FIRST.plusDays(1), FIRST.plusDays(1));
        assertThat(nextDay.ok()).as(nextDay.toString()).isTrue();
    }

    @Test
    void aLatestHeadWithABadSignatureStillStopsAnOpen() throws IOException {
        appendHeadsOverTwoDays();
        long heads = Files.size(new DayFiles(dir).headsFile(FIRST)) / SignedTreeHead.LENGTH;
        flipSignatureByte(heads - 1);

        assertThatThrownBy(() -> MetadataStore.open(dir, CONFIG, clock)).isInstanceOf(MetadataStoreException.class)
                .hasMessageContaining("BAD_SIGNATURE").hasMessageContaining(FIRST.toString());
    }

    /** Five records a minute and a second apart (a head each), then one the next day. */
    private void appendHeadsOverTwoDays() throws IOException {
        try (MetadataStore store = MetadataStore.open(dir, CONFIG, clock)) {
            for (int i = 0; i < 5; i++) {
                store.append(Records.accepted(clock.instant(), "m-" + i + "x", "+4790000001").build());
                clock.advance(Duration.ofSeconds(61));
            }
            clock.advance(Duration.ofDays(1));
            store.append(Records.accepted(clock.instant(), "m-next", "+4790000001").build());
        }
        assertThat(Files.size(new DayFiles(dir).headsFile(FIRST)) / SignedTreeHead.LENGTH).isGreaterThanOrEqualTo(3);
    }

    private void flipSignatureByte(long head) throws IOException {
        Path heads = new DayFiles(dir).headsFile(FIRST);
        long at = head * SignedTreeHead.LENGTH + SignedTreeHead.SIGNED_LENGTH + 5;
        try (FileChannel ch = FileChannel.open(heads, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, at);
            ch.write(ByteBuffer.wrap(new byte[] {(byte) (b.get(0) ^ 1)}), at);
        }
    }

    /** Three days of 20 records; the clock ends on the last day. */
    private void appendDays(MetadataStore store) {
        for (int d = 0; d < 3; d++) {
            if (d > 0) {
                clock.advance(Duration.ofDays(1));
            }
            for (int i = 0; i < 20; i++) {
                store.append(Records.accepted(clock.instant(), "m-" + d + "-" + i + "x", "+4790000001").build());
                clock.advance(Duration.ofSeconds(1));
            }
        }
    }

    /** Every file under the directory with the SHA-256 of its content. */
    private Map<String, String> contents() throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                out.put(dir.relativize(p).toString(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(Files.readAllBytes(p))));
            }
        }
        return out;
    }
}
