package dev.ebb.gateway.http.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The remembered answers on real files, with an injected clock (issue 18). */
class IdempotencyStoreTest {
    private static final byte[] BODY = sha("{\"to\":\"+4790000001\"}");
    private static final IdempotencyStore.Remembered ANSWER = new IdempotencyStore.Remembered(202, "application/json",
            "/v1/messages/m1", "{\"messages\":[{\"id\":\"m1\"}]}".getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:15:00Z"));

    @Test
    void keysArePerCustomerAndASecondRequestWhileTheFirstRunsIsInProgress() {
        try (IdempotencyStore store = IdempotencyStore.open(dir, clock)) {
            IdempotencyStore.Fresh acme = (IdempotencyStore.Fresh) store.claim("acme", "k1", BODY);

            assertThat(store.claim("acme", "k1", BODY)).isInstanceOf(IdempotencyStore.InProgress.class);
            assertThat(store.claim("acme", "k1", sha("other"))).isInstanceOf(IdempotencyStore.Reused.class);
            assertThat(store.claim("globex", "k1", BODY)).isInstanceOf(IdempotencyStore.Fresh.class);
            store.remember(acme, ANSWER);
            assertThat(store.claim("acme", "k1", BODY)).isEqualTo(new IdempotencyStore.Replay(ANSWER));
        }
    }

    @Test
    void aReleasedKeyIsFreshAgain() {
        try (IdempotencyStore store = IdempotencyStore.open(dir, clock)) {
            store.release((IdempotencyStore.Fresh) store.claim("acme", "k1", BODY));

            assertThat(store.claim("acme", "k1", BODY)).isInstanceOf(IdempotencyStore.Fresh.class);
        }
    }

    @Test
    void answersSurviveARestartATornLastEntryIsCutOffAndOldFilesAreDeleted() throws Exception {
        try (IdempotencyStore store = IdempotencyStore.open(dir, clock)) {
            store.remember((IdempotencyStore.Fresh) store.claim("acme", "k1", BODY), ANSWER);
            clock.advance(Duration.ofHours(2));
            store.remember((IdempotencyStore.Fresh) store.claim("acme", "k2", BODY), ANSWER);
        }
        Path last = files().get(1);
        long whole = Files.size(last);
        // A crash in the middle of an append.
        Files.write(last, new byte[] {0, 0, 0, 90, 1, 2, 3}, StandardOpenOption.APPEND);

        try (IdempotencyStore store = IdempotencyStore.open(dir, clock)) {
            assertThat(store.claim("acme", "k1", BODY)).isEqualTo(new IdempotencyStore.Replay(ANSWER));
            assertThat(store.claim("acme", "k2", BODY)).isEqualTo(new IdempotencyStore.Replay(ANSWER));
            assertThat(Files.size(last)).isEqualTo(whole);
        }
        clock.advance(Duration.ofHours(23));
        try (IdempotencyStore store = IdempotencyStore.open(dir, clock)) {
            assertThat(store.claim("acme", "k1", BODY)).isInstanceOf(IdempotencyStore.Fresh.class);
            assertThat(store.claim("acme", "k2", BODY)).isEqualTo(new IdempotencyStore.Replay(ANSWER));
        }
        clock.advance(Duration.ofHours(2));
        try (IdempotencyStore store = IdempotencyStore.open(dir, clock)) {
            assertThat(store.claim("acme", "k2", BODY)).isInstanceOf(IdempotencyStore.Fresh.class);
            assertThat(files()).as("every hour's file is over 24 h old").isEmpty();
        }
    }

    /**
     * The group commit forces the current hour's file only: an answer appended in the last moments of an hour is forced
     * when the next hour's file is opened, or a power cut after the change of hour would lose it.
     */
    @Test
    void theLastHoursFileIsForcedWhenTheNextHoursIsOpened() throws Exception {
        List<Path> forced = new ArrayList<>();
        clock.set(Instant.parse("2026-03-01T10:59:59Z"));
        try (IdempotencyStore store = IdempotencyStore.open(dir, clock, (channel, file) -> forced.add(file))) {
            store.remember((IdempotencyStore.Fresh) store.claim("acme", "k1", BODY), ANSWER);
            Path tenOClock = files().get(0);
            clock.advance(Duration.ofSeconds(2));
            store.remember((IdempotencyStore.Fresh) store.claim("acme", "k2", BODY), ANSWER);

            assertThat(forced).containsExactly(tenOClock);
            store.force();
            assertThat(forced).as("then the group commit's force, of the new hour's file")
                    .containsExactly(tenOClock, files().get(1));
        }
    }

    private List<Path> files() throws Exception {
        try (Stream<Path> list = Files.list(dir)) {
            return list.sorted().toList();
        }
    }

    private static byte[] sha(String s) {
        return IdempotencyStore.sha256().digest(s.getBytes(StandardCharsets.UTF_8));
    }
}
