package dev.ebb.metadata;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
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
        Optional<byte[]> secret = keyFiles.daySecret(day);
        if (index == null || secret.isEmpty()) {
            return List.of();
        }
        DayCrypto crypto = new DayCrypto(secret.get(), DayCrypto.READER_CACHE);
        LongList seqs = new LongList();
        for (long key : queryKeys(query.criterion(), crypto)) {
            // Buffers before segments: an entry leaves the buffers only once its segment is published.
            if (index.mayHaveBuffered()) {
                writer.findBuffered(index, key, seqs);
            }
            index.findInSegments(key, seqs);
        }
        seqs.sortDistinct();
        long from = query.from().toEpochMilli();
        long to = query.to().toEpochMilli();
        List<StoredRecord> hits = new ArrayList<>();
        for (int i = 0; i < seqs.size(); i++) {
            long seq = seqs.get(i);
            byte[] bytes = Cycles.read(tailer, day, seq);
            // A record cut short by a failed write may be indexed under the keys of the record meant (the writer
            // indexes what it meant to write): it is not a record, as recovery and verify treat it.
            if (bytes == null || RecordCodec.isTorn(bytes)) {
                continue;
            }
            TrafficRecord r = RecordCodec.decode(ByteBuffer.wrap(bytes), crypto);
            long t = r.eventTime().toEpochMilli();
            // The key is 64 bits of a keyed hash; the exact comparison also rules out a collision.
            if (t >= from && t < to && query.criterion().matches(r)) {
                StoredRecord stored = new StoredRecord(new RecordRef(day, seq), r);
                if (after == null || after.isBefore(stored)) {
                    hits.add(stored);
                }
            }
        }
        hits.sort(Continuation.ORDER);
        return hits;
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
