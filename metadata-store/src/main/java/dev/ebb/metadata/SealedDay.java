package dev.ebb.metadata;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Optional;

/**
 * One day of another store's sealed records, opened with that store's day key as {@link
 * MetadataStore#wrappedDayKey} wrapped it under a transit key both stores' nodes share: what a cluster node needs to index and
 * read the records another node shipped, as sealed as they are on that node's disk. The key arrives wrapped and is
 * unwrapped here only; destroying it (the origin's pruning, and the reader's own) makes the day's numbers unrecoverable
 * as on the origin.
 *
 * <p>Not thread-safe (its crypto keeps per-call state): one instance per reader, or calls under a lock.
 */
public final class SealedDay {
    private final LocalDate day;
    private final DayCrypto crypto;
    private final ByteBuffer scratch = ByteBuffer.allocate(RecordCodec.MAX_ENCODED);
    private final long[] keys = new long[RecordCodec.MAX_KEYS];

    private SealedDay(LocalDate day, byte[] secret) {
        this.day = day;
        this.crypto = new DayCrypto(secret, DayCrypto.READER_CACHE);
        Arrays.fill(secret, (byte) 0);
    }

    /**
     * Opens a day from its key as {@link MetadataStore#wrappedDayKey} gave it.
     *
     * @param kek    the transit key it was wrapped under
     * @param origin names the store the key comes from, for the refusal
     * @throws KeyUnwrapException if {@code kek} is not the key it was wrapped under, or the key is another day's
     */
    public static SealedDay open(LocalDate day, byte[] wrappedKey, KeyWrapper kek, String origin) {
        Fields.requireNonNull("day", day);
        Fields.requireNonNull("wrappedKey", wrappedKey);
        if (!WrappedKeys.isWrapped(wrappedKey)) {
            throw new MetadataStoreException("the day key of " + day + " from " + origin + " is not wrapped");
        }
        return new SealedDay(day, WrappedKeys.unwrap(kek, wrappedKey, KeyFiles.dayPurpose(day), origin,
                Path.of(day + ".key")));
    }

    public LocalDate day() {
        return day;
    }

    /**
     * The record in {@code stored} (a record's bytes as its store keeps them), its identifiers opened.
     *
     * @return empty for a record a failed write cut short (a leaf of the day's tree that is no record, as on its store)
     * @throws CorruptRecordException if the bytes were altered or are another day's
     */
    public Optional<TrafficRecord> read(byte[] stored) {
        if (RecordCodec.isTorn(stored)) {
            return Optional.empty();
        }
        return Optional.of(RecordCodec.decode(ByteBuffer.wrap(stored), crypto));
    }

    /**
     * The blind index keys its store gave {@code record} (sealing is deterministic, so encoding it again under the
     * same key gives the same keys).
     */
    public long[] indexKeys(TrafficRecord record) {
        int n = RecordCodec.encode(record, crypto, scratch, keys);
        return Arrays.copyOf(keys, n);
    }

    /** The blind index keys a query by {@code criterion} looks up in this day: a record matching it has one of them. */
    public long[] queryKeys(TrafficQuery.Criterion criterion) {
        return QueryEngine.queryKeys(criterion, crypto);
    }
}
