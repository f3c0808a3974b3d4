package dev.ebb.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MessageIdGeneratorTest {
    private static final Instant START = Instant.parse("2026-03-10T12:00:00Z");

    private static Clock clockAt(Instant instant) {
        return Clock.fixed(instant, ZoneOffset.UTC);
    }

    @Test
    void idsAreTwentyLowercaseBase36Characters() {
        String id = new MessageIdGenerator(clockAt(START)).next();

        assertThat(id).hasSize(20).matches("[0-9a-z]{20}");
        assertThat(MessageIdGenerator.isWellFormed(id)).isTrue();
    }

    @Test
    void consecutiveIdsAreDistinctAndSortInIssueOrder() {
        MessageIdGenerator ids = new MessageIdGenerator(clockAt(START));
        List<String> issued = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            issued.add(ids.next());
        }

        assertThat(new HashSet<>(issued)).hasSize(issued.size());
        assertThat(issued).isSorted();
    }

    @Test
    void restartLaterStartsAboveEveryEarlierId() {
        MessageIdGenerator before = new MessageIdGenerator(clockAt(START), new Random(1));
        String last = null;
        for (int i = 0; i < 1_000_000; i++) {
            last = before.next();
        }

        String afterRestart = new MessageIdGenerator(clockAt(START.plusSeconds(1)), new Random(2)).next();

        assertThat(afterRestart.substring(0, 13)).isGreaterThan(last.substring(0, 13));
    }

    @Test
    void restartAtTheSameMillisecondDiffersByProcessId() {
        String first = new MessageIdGenerator(clockAt(START), new Random(1)).next();
        String second = new MessageIdGenerator(clockAt(START), new Random(2)).next();

        assertThat(first).isNotEqualTo(second);
        assertThat(first.substring(0, 13)).isEqualTo(second.substring(0, 13));
    }

    @Test
    void clockBeforeEpochStillGivesWellFormedIds() {
        assertThat(MessageIdGenerator.isWellFormed(new MessageIdGenerator(clockAt(Instant.EPOCH)).next())).isTrue();
    }

    @Test
    void farFutureClockStillFitsTwentyCharacters() {
        Instant future = START.plus(Duration.ofDays(365L * 250));
        assertThat(new MessageIdGenerator(clockAt(future)).next()).hasSize(20);
    }

    @Test
    void concurrentCallersNeverGetTheSameId() throws Exception {
        MessageIdGenerator ids = new MessageIdGenerator(clockAt(START));
        Set<String> seen = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                workers.add(pool.submit(() -> {
                    for (int i = 0; i < 50_000; i++) {
                        seen.add(ids.next());
                    }
                }));
            }
            for (Future<?> worker : workers) {
                worker.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(seen).hasSize(200_000);
    }

    @Test
    void isWellFormedRefusesOtherShapes() {
        assertThat(MessageIdGenerator.isWellFormed(null)).isFalse();
        assertThat(MessageIdGenerator.isWellFormed("abc")).isFalse();
        assertThat(MessageIdGenerator.isWellFormed("0123456789ABCDEFGHIJ")).isFalse();
        assertThat(MessageIdGenerator.isWellFormed("0123456789abcdefghi-")).isFalse();
    }
}
