package dev.ebb.metadata;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

/**
 * Answers {@link TrafficQuery}s from the per-day blind indexes, never by a scan of records: the criterion becomes one
 * or two keyed index keys per day, the index gives the candidate sequences, and only those records are read, opened
 * and checked exactly. Runs concurrently with appends; it takes the writer lock only to look into the current day's
 * index buffers.
 */
final class QueryEngine {
    private final DayFiles files;
    private final KeyFiles keyFiles;
    private final SingleChronicleQueue queue;
    private final DayIndexes indexes;
    private final DayWriter writer;
    private final Clock clock;

    QueryEngine(DayFiles files, KeyFiles keyFiles, SingleChronicleQueue queue, DayIndexes indexes, DayWriter writer,
                Clock clock) {
        this.files = files;
        this.keyFiles = keyFiles;
        this.queue = queue;
        this.indexes = indexes;
        this.writer = writer;
        this.clock = clock;
    }

    /** See {@link MetadataStore#query}. */
    QueryPage query(TrafficQuery query) {
        Continuation after = query.continuation() == null ? null
                : Continuation.parse(query.continuation(), query.fingerprint());
        // Event times are within a day of the store clock at append (MetadataStore.MAX_EVENT_SKEW_MILLIS), so the
        // records of the window are in the days of the window or the day on either side.
        LocalDate firstDay = Cycles.dayOf(query.from().toEpochMilli()).minusDays(1);
        LocalDate lastDay = Cycles.dayOf(query.to().toEpochMilli() - 1).plusDays(1);
        if (after != null && after.day().isAfter(firstDay)) {
            firstDay = after.day();
        }
        List<StoredRecord> out = new ArrayList<>();
        try (ExcerptTailer tailer = queue.createTailer()) {
            for (LocalDate day : files.days().subSet(firstDay, true, lastDay, true)) {
                for (StoredRecord r : queryDay(day, query, after, tailer)) {
                    if (out.size() == query.limit()) {
                        return new QueryPage(out, Optional.of(Continuation.token(out.get(out.size() - 1),
                                query.fingerprint())));
                    }
                    out.add(r);
                }
            }
        }
        return new QueryPage(out, Optional.empty());
    }

    /** See {@link MetadataStore#recordsOfMessages}. */
    Map<String, List<StoredRecord>> recordsOfMessages(Collection<String> messageIds, Instant from, Instant to) {
        Map<String, List<StoredRecord>> out = new HashMap<>();
        if (messageIds.isEmpty()) {
            return out;
        }
        LocalDate firstDay = Cycles.dayOf(from.toEpochMilli()).minusDays(1);
        LocalDate lastDay = Cycles.dayOf(to.toEpochMilli() - 1).plusDays(1);
        long fromMillis = from.toEpochMilli();
        long toMillis = to.toEpochMilli();
        try (ExcerptTailer tailer = queue.createTailer()) {
            for (LocalDate day : files.days().subSet(firstDay, true, lastDay, true)) {
                DayIndex index = indexes.get(day);
                Optional<DayCrypto> reader = index == null ? Optional.empty() : keyFiles.borrowReader(day);
                if (reader.isEmpty()) {
                    continue;
                }
                // One tailer and one pass over the day's index for every message: a query per message paid each.
                DayCrypto crypto = reader.get();
                try {
                    messagesOfDay(day, index, crypto, tailer, messageIds, fromMillis, toMillis, out);
                } finally {
                    keyFiles.releaseReader(day, crypto);
                }
            }
        }
        out.values().forEach(records -> records.sort(Continuation.ORDER));
        return out;
    }

    private void messagesOfDay(LocalDate day, DayIndex index, DayCrypto crypto, ExcerptTailer tailer,
                               Collection<String> messageIds, long fromMillis, long toMillis,
                               Map<String, List<StoredRecord>> out) {
        LongList seqs = new LongList();
        for (String id : messageIds) {
            seqs.clear();
            find(index, crypto.indexKey(DayCrypto.KIND_MESSAGE_ID, id), seqs);
            seqs.sortDistinct();
            for (int i = 0; i < seqs.size(); i++) {
                TrafficRecord r = read(tailer, day, seqs.get(i), crypto);
                long t = r == null ? 0 : r.eventTime().toEpochMilli();
                if (r != null && t >= fromMillis && t < toMillis && r.messageId().equals(id)) {
                    out.computeIfAbsent(id, k -> new ArrayList<>()).add(new StoredRecord(
                            new RecordRef(day, seqs.get(i)), r));
                }
            }
        }
    }

    /** See {@link MetadataStore#oldestRecordAge}. */
    Optional<Duration> oldestRecordAge() {
        for (LocalDate day : files.days()) {
            if (!Files.exists(files.cycleFile(day))) {
                continue;
            }
            try (ExcerptTailer tailer = queue.createTailer()) {
                byte[] first = Cycles.read(tailer, day, 0);
                if (first != null && first.length >= 12) {
                    // The event time is in clear at offset 4 of the layout (RecordCodec): no day key needed.
                    long eventTime = ByteBuffer.wrap(first).getLong(4);
                    return Optional.of(Duration.ofMillis(Math.max(0, clock.millis() - eventTime)));
                }
            }
        }
        return Optional.empty();
    }

    private List<StoredRecord> queryDay(LocalDate day, TrafficQuery query, Continuation after, ExcerptTailer tailer) {
        DayIndex index = indexes.get(day);
        Optional<DayCrypto> reader = index == null ? Optional.empty() : keyFiles.borrowReader(day);
        if (reader.isEmpty()) {
            return List.of();
        }
        try {
            return queryDay(day, index, reader.get(), query, after, tailer);
        } finally {
            keyFiles.releaseReader(day, reader.get());
        }
    }

    private List<StoredRecord> queryDay(LocalDate day, DayIndex index, DayCrypto crypto, TrafficQuery query,
                                        Continuation after, ExcerptTailer tailer) {
        LongList seqs = new LongList();
        for (long key : queryKeys(query.criterion(), crypto)) {
            find(index, key, seqs);
        }
        seqs.sortDistinct();
        long from = query.from().toEpochMilli();
        long to = query.to().toEpochMilli();
        List<StoredRecord> hits = new ArrayList<>();
        for (int i = 0; i < seqs.size(); i++) {
            long seq = seqs.get(i);
            TrafficRecord r = read(tailer, day, seq, crypto);
            long t = r == null ? 0 : r.eventTime().toEpochMilli();
            // The key is 64 bits of a keyed hash; the exact comparison also rules out a collision.
            if (r != null && t >= from && t < to && query.criterion().matches(r)) {
                StoredRecord stored = new StoredRecord(new RecordRef(day, seq), r);
                if (after == null || after.isBefore(stored)) {
                    hits.add(stored);
                }
            }
        }
        hits.sort(Continuation.ORDER);
        return hits;
    }

    /** Appends the day's sequences indexed under {@code key}. */
    private void find(DayIndex index, long key, LongList seqs) {
        // Buffers before segments: an entry leaves the buffers only once its segment is published.
        if (index.mayHaveBuffered()) {
            writer.findBuffered(index, key, seqs);
        }
        index.findInSegments(key, seqs);
    }

    /**
     * Record {@code seq} of the day, opened; null if it is not a record: a record cut short by a failed write may be
     * indexed under the keys of the record meant (the writer indexes what it meant to write), and recovery and verify
     * do not treat it as one either.
     */
    private static TrafficRecord read(ExcerptTailer tailer, LocalDate day, long seq, DayCrypto crypto) {
        byte[] bytes = Cycles.read(tailer, day, seq);
        return bytes == null || RecordCodec.isTorn(bytes) ? null : RecordCodec.decode(ByteBuffer.wrap(bytes), crypto);
    }

    static long[] queryKeys(TrafficQuery.Criterion criterion, DayCrypto crypto) {
        if (criterion instanceof TrafficQuery.ByMsisdn m) {
            long asSource = crypto.indexKey(DayCrypto.KIND_SOURCE_INDEX, m.msisdn());
            long asDestination = crypto.indexKey(DayCrypto.KIND_DESTINATION, m.msisdn());
            return switch (m.role()) {
                case SOURCE -> new long[] {asSource};
                case DESTINATION -> new long[] {asDestination};
                case EITHER -> new long[] {asSource, asDestination};
            };
        }
        if (criterion instanceof TrafficQuery.ByMessageId id) {
            return new long[] {crypto.indexKey(DayCrypto.KIND_MESSAGE_ID, id.messageId())};
        }
        if (criterion instanceof TrafficQuery.ByReference ref) {
            return new long[] {RecordCodec.referenceKey(crypto, ref.customerId(), ref.reference())};
        }
        TrafficQuery.ByCustomer c = (TrafficQuery.ByCustomer) criterion;
        return new long[] {crypto.indexKey(DayCrypto.KIND_CUSTOMER, c.customerId())};
    }
}
