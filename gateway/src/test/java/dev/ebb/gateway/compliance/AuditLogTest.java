package dev.ebb.gateway.compliance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ebb.testing.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2025-03-10T09:00:00Z"));

    @TempDir
    Path dir;

    private static AuditEvent query(String requestId) {
        return new AuditEvent(requestId, Action.QUERY, Outcome.ACCEPTED, "officer-1", "compliance-officer",
                "127.0.0.1", "CASE-1", "Ekomloven § 2-8b", Map.of("msisdn", "+4790000001"), null, null, null);
    }

    @Test
    void entriesAreReadBackInOrderWithTheirChain() {
        try (AuditLog log = AuditLog.open(dir.resolve("audit.log"), clock)) {
            AuditEntry first = log.append(query("r1"));
            clock.advance(Duration.ofSeconds(1));
            AuditEntry second = log.append(query("r1").completed(3));

            List<AuditEntry> read = log.read(0, 10);

            assertThat(read).containsExactly(first, second);
            assertThat(first.previousHash()).isEqualTo(AuditLog.GENESIS);
            assertThat(second.previousHash()).isEqualTo(first.hash());
            assertThat(second.time()).isEqualTo(Instant.parse("2025-03-10T09:00:01Z"));
            assertThat(second.event().recordsDisclosed()).isEqualTo(3L);
        }
    }

    @Test
    void anUntouchedLogVerifies() {
        try (AuditLog log = AuditLog.open(dir.resolve("audit.log"), clock)) {
            log.append(query("r1"));
            AuditEntry last = log.append(query("r1").completed(0));

            AuditVerifyReport report = log.verify();

            assertThat(report.ok()).isTrue();
            assertThat(report.entriesChecked()).isEqualTo(2);
            assertThat(report.lastHash()).isEqualTo(last.hash());
        }
    }

    @Test
    void aChangedByteIsReportedAtItsEntry() throws IOException {
        Path file = dir.resolve("audit.log");
        try (AuditLog log = AuditLog.open(file, clock)) {
            log.append(query("r1"));
            log.append(query("r2"));
            log.append(query("r3"));
        }
        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, StandardCharsets.UTF_8);
        int secondLine = text.indexOf('\n') + 1;
        int at = text.indexOf("CASE-1", secondLine);
        bytes[at + 5] = '2';
        Files.write(file, bytes);

        AuditVerifyReport report = AuditLog.verify(file);

        assertThat(report.ok()).isFalse();
        assertThat(report.entriesChecked()).isEqualTo(1);
        assertThat(report.firstProblem().orElseThrow().line()).isEqualTo(2);
        assertThat(report.firstProblem().orElseThrow().detail()).contains("hash does not match");
    }

    @Test
    void aRemovedEntryIsReportedWhereTheChainBreaks() throws IOException {
        Path file = dir.resolve("audit.log");
        try (AuditLog log = AuditLog.open(file, clock)) {
            log.append(query("r1"));
            log.append(query("r2"));
            log.append(query("r3"));
        }
        List<String> lines = Files.readAllLines(file);
        Files.write(file, List.of(lines.get(0), lines.get(2)));

        AuditVerifyReport report = AuditLog.verify(file);

        assertThat(report.firstProblem().orElseThrow().line()).isEqualTo(2);
        assertThat(report.firstProblem().orElseThrow().detail()).contains("removed");
    }

    @Test
    void aTamperedLogIsRefusedAtOpen() throws IOException {
        Path file = dir.resolve("audit.log");
        try (AuditLog log = AuditLog.open(file, clock)) {
            log.append(query("r1"));
        }
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 10] ^= 1;
        Files.write(file, bytes);

        assertThatThrownBy(() -> AuditLog.open(file, clock)).isInstanceOf(AuditLogException.class)
                .hasMessageContaining("line 1");
    }

    @Test
    void reopeningContinuesTheChain() {
        Path file = dir.resolve("audit.log");
        AuditEntry first;
        try (AuditLog log = AuditLog.open(file, clock)) {
            first = log.append(query("r1"));
        }
        try (AuditLog log = AuditLog.open(file, clock)) {
            AuditEntry second = log.append(query("r2"));

            assertThat(second.sequence()).isEqualTo(1);
            assertThat(second.previousHash()).isEqualTo(first.hash());
            assertThat(log.verify().ok()).isTrue();
        }
    }

    @Test
    void aLastEntryCutShortByACrashIsDroppedAtOpen() throws IOException {
        Path file = dir.resolve("audit.log");
        try (AuditLog log = AuditLog.open(file, clock)) {
            log.append(query("r1"));
            log.append(query("r2"));
        }
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 20));

        try (AuditLog log = AuditLog.open(file, clock)) {
            assertThat(log.size()).isEqualTo(1);
            assertThat(log.append(query("r3")).sequence()).isEqualTo(1);
            assertThat(log.verify().ok()).isTrue();
        }
    }
}
