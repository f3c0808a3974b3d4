package dev.ebb.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ebb.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueryTest {
    private static final Instant START = Instant.parse("2025-05-01T20:00:00Z");
    /** Index buffer entries in the mid-day tests: 10 records fill it. */
    private static final int SMALL_BUFFER = 40;
    private static final int MID_DAY_RECORDS = 300;

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(START);

    @Test
    void indexQueriesEqualABruteForceScanOnRandomData() {
        Random rnd = new Random(42);
        List<StoredRecord> all = new ArrayList<>();
        Map<LocalDate, Long> perDay = new HashMap<>();
        try (MetadataStore store = MetadataStore.open(dir, MetadataStoreConfig.defaults(), clock)) {
            for (int i = 0; i <= 1500; i++) {
                clock.advance(Duration.ofSeconds(40 + rnd.nextInt(40)));
                // Event times a little before the append, as gateway threads race to the store.
                TrafficRecord r = Records.random(rnd, clock.instant().minusMillis(rnd.nextInt(120_000)), i);
                store.append(r);
                LocalDate day = Cycles.dayOf(clock.millis());
                long seq = perDay.merge(day, 1L, Long::sum) - 1;
                all.add(new StoredRecord(new RecordRef(day, seq), r));
            }
        }
        // Half the data before a restart: the index of the reopened day continues from its written segments.
        try (MetadataStore store = MetadataStore.open(dir, MetadataStoreConfig.defaults(), clock)) {
            for (int i = 1501; i < 3000; i++) {
                clock.advance(Duration.ofSeconds(40 + rnd.nextInt(40)));
                TrafficRecord r = Records.random(rnd, clock.instant().minusMillis(rnd.nextInt(120_000)), i);
                store.append(r);
                LocalDate day = Cycles.dayOf(clock.millis());
                long seq = perDay.merge(day, 1L, Long::sum) - 1;
                all.add(new StoredRecord(new RecordRef(day, seq), r));
            }
            Instant end = clock.instant();
            List<TrafficQuery> queries = new ArrayList<>();
            for (int q = 0; q < 40; q++) {
                Instant from = START.plusSeconds(rnd.nextInt((int) Duration.between(START, end).toSeconds()));
                Instant to = rnd.nextBoolean() ? end.plusSeconds(1) : from.plus(Duration.ofHours(1 + rnd.nextInt(48)));
                String number = "+4790" + String.format("%06d", rnd.nextInt(40));
                queries.add(switch (q % 6) {
                    case 0 -> TrafficQuery.byMsisdn(number, TrafficQuery.Role.DESTINATION, from, to);
                    case 1 -> TrafficQuery.byMsisdn(number, TrafficQuery.Role.SOURCE, from, to);
                    case 2 -> TrafficQuery.byMsisdn(number, TrafficQuery.Role.EITHER, from, to);
                    case 3 -> TrafficQuery.byMessageId("m-" + rnd.nextInt(200), from, to);
                    case 4 -> TrafficQuery.byReference("globex", "ref-" + rnd.nextInt(7) + "-Å", from, to);
                    default -> TrafficQuery.byCustomer("globex", from, to);
                });
            }
            for (TrafficQuery query : queries) {
                List<StoredRecord> expected = all.stream()
                        .filter(s -> query.criterion().matches(s.record()))
                        .filter(s -> !s.record().eventTime().isBefore(query.from())
                                && s.record().eventTime().isBefore(query.to()))
                        .sorted(Comparator.comparing((StoredRecord s) -> s.ref().day())
                                .thenComparing(s -> s.record().eventTime())
                                .thenComparingLong(s -> s.ref().sequence()))
                        .toList();
                assertThat(allPages(store, query.withLimit(1 + rnd.nextInt(30)))).as(query.toString())
                        .isEqualTo(expected);
            }
            // Many messages at once (a restart's backlog) find what a query per message finds.
            Instant from = START.plus(Duration.ofHours(20));
            Instant to = end.plusSeconds(1);
            List<String> ids = new ArrayList<>();
            for (int m = 0; m < 220; m += 3) {
                ids.add("m-" + m);
            }
            Map<String, List<StoredRecord>> batch = store.recordsOfMessages(ids, from, to);
            for (String id : ids) {
                List<StoredRecord> single = allPages(store, TrafficQuery.byMessageId(id, from, to));
                assertThat(batch.getOrDefault(id, List.of())).as(id).isEqualTo(single);
            }
            assertThat(batch.values().stream().mapToInt(List::size).sum()).isPositive();
        }
    }

    @Test
    void everyRecordIsFoundRightAfterItsAppendWhileFullIndexBuffersAreWrittenOut() {
        List<StoredRecord> all = new ArrayList<>();
        try (MetadataStore store = MetadataStore.open(dir, MetadataStoreConfig.defaults(), clock, null, SMALL_BUFFER)) {
            for (int i = 0; i < MID_DAY_RECORDS; i++) {
                clock.advance(Duration.ofSeconds(1));
                TrafficRecord r = Records.accepted(clock.instant(), "m-" + i, number(i)).build();
                store.append(r);
                all.add(new StoredRecord(new RecordRef(LocalDate.of(2025, 5, 1), i), r));
                String dst = number(i);
                assertThat(allPages(store, TrafficQuery.byMsisdn(dst, TrafficQuery.Role.DESTINATION, START,
                        clock.instant().plusSeconds(1)).withLimit(7))).as("after record %d", i)
                        .isEqualTo(all.stream().filter(s -> s.record().destination().equals(dst)).toList());
            }
        }
    }

    @Test
    void fullIndexBuffersBecomeSegmentsThatCoverTheDayWithoutRebuilding() {
        LocalDate day = LocalDate.of(2025, 5, 1);
        List<StoredRecord> all = new ArrayList<>();
        try (MetadataStore store = MetadataStore.open(dir, MetadataStoreConfig.defaults(), clock, null, SMALL_BUFFER)) {
            for (int i = 0; i < MID_DAY_RECORDS; i++) {
                clock.advance(Duration.ofSeconds(1));
                TrafficRecord r = Records.accepted(clock.instant(), "m-" + i, number(i)).build();
                store.append(r);
                all.add(new StoredRecord(new RecordRef(day, i), r));
            }
        }
        // 4 keys per record: each full buffer holds 10 records, so 30 segments, the last written at close.
        assertThat(new DayFiles(dir).segmentFiles(day)).hasSize(MID_DAY_RECORDS * RecordCodec.KEY_COUNT
                / SMALL_BUFFER);
        assertThat(DayIndex.readOnly(day, new DayFiles(dir)).indexedUpTo()).isEqualTo(MID_DAY_RECORDS);
        try (MetadataStore store = MetadataStore.open(dir, MetadataStoreConfig.defaults(), clock, null, SMALL_BUFFER)) {
            assertThat(allPages(store, TrafficQuery.byCustomer("acme", START, clock.instant().plusSeconds(1))
                    .withLimit(TrafficQuery.MAX_LIMIT))).isEqualTo(all);
        }
    }

    @Test
    void aPageStopsAtTheLimitAndTheTokenResumesAfterIt() {
        try (MetadataStore store = MetadataStore.open(dir, MetadataStoreConfig.defaults(), clock)) {
            for (int i = 0; i < 5; i++) {
                store.append(Records.accepted(clock.instant(), "m" + i, "+4790000001").build());
                clock.advance(Duration.ofSeconds(1));
            }
            TrafficQuery q = TrafficQuery.byMsisdn("+47 900 00 001", TrafficQuery.Role.DESTINATION, START,
                    clock.instant()).withLimit(3);
            QueryPage first = store.query(q);
            assertThat(first.records()).extracting(r -> r.record().messageId()).containsExactly("m0", "m1", "m2");
            QueryPage second = store.query(q.withContinuation(first.continuation().orElseThrow()));
            assertThat(second.records()).extracting(r -> r.record().messageId()).containsExactly("m3", "m4");
            assertThat(second.continuation()).isEmpty();
        }
    }

    @Test
    void aTokenFromAnotherQueryIsRefused() {
        try (MetadataStore store = MetadataStore.open(dir, MetadataStoreConfig.defaults(), clock)) {
            for (int i = 0; i < 3; i++) {
                store.append(Records.accepted(clock.instant(), "m" + i, "+4790000001").build());
            }
            Instant to = clock.instant().plusSeconds(1);
            String token = store.query(TrafficQuery.byCustomer("acme", START, to).withLimit(1)).continuation()
                    .orElseThrow();
            assertThatThrownBy(() -> store.query(TrafficQuery.byCustomer("other", START, to)
                    .withContinuation(token))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("another query");
        }
    }

    @Test
    void invertedOrOverlongWindowIsRefused() {
        assertThatThrownBy(() -> TrafficQuery.byCustomer("acme", START, START.minusSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inverted");
        assertThatThrownBy(() -> TrafficQuery.byCustomer("acme", START, START.plus(Duration.ofDays(367))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("12 months");
    }

    @Test
    void unparseableMsisdnIsRefusedWithoutEchoingIt() {
        assertThatThrownBy(() -> TrafficQuery.byMsisdn("+47abc0000123", TrafficQuery.Role.EITHER, START,
                START.plusSeconds(1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("E.164").hasMessageNotContaining("abc0000123");
    }

    private static String number(int i) {
        return "+4790" + String.format("%06d", i % 7);
    }

    private static List<StoredRecord> allPages(MetadataStore store, TrafficQuery query) {
        List<StoredRecord> out = new ArrayList<>();
        TrafficQuery q = query;
        while (true) {
            QueryPage page = store.query(q);
            assertThat(page.records().size()).isLessThanOrEqualTo(q.limit());
            out.addAll(page.records());
            if (page.continuation().isEmpty()) {
                return out;
            }
            q = q.withContinuation(page.continuation().get());
        }
    }
}
