package dev.ebb.metadata;

import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.util.Base64;
import java.util.Comparator;

/**
 * Where a page of query results ended: the last record returned, by its day, event time and sequence (the order
 * results come in). A client holds it as an opaque URL-safe token, bound to its query by the query's fingerprint so
 * that a token cannot resume another query. Token layout, version 1: {@code version(1) fingerprint(8) epochDay(8)
 * eventTimeMillis(8) sequence(8)}.
 */
record Continuation(LocalDate day, long eventTime, long sequence) {
    /** The order of query results: by day, then event time, then position in the day. */
    static final Comparator<StoredRecord> ORDER = Comparator
            .comparing((StoredRecord r) -> r.ref().day())
            .thenComparing(r -> r.record().eventTime())
            .thenComparingLong(r -> r.ref().sequence());
    private static final int VERSION = 1;
    private static final int LENGTH = 1 + 8 + 8 + 8 + 8;

    /** True if {@code r} comes after this position in {@link #ORDER}, so it belongs to a later page. */
    boolean isBefore(StoredRecord r) {
        int c = r.ref().day().compareTo(day);
        if (c != 0) {
            return c > 0;
        }
        long t = r.record().eventTime().toEpochMilli();
        return t != eventTime ? t > eventTime : r.ref().sequence() > sequence;
    }

    /** The token that resumes a query after {@code last}. */
    static String token(StoredRecord last, long fingerprint) {
        ByteBuffer b = ByteBuffer.allocate(LENGTH).put((byte) VERSION).putLong(fingerprint)
                .putLong(last.ref().day().toEpochDay()).putLong(last.record().eventTime().toEpochMilli())
                .putLong(last.ref().sequence());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
    }

    /**
     * Reads a token of the query with {@code fingerprint}.
     *
     * @throws IllegalArgumentException if it is malformed or belongs to another query
     */
    static Continuation parse(String token, long fingerprint) {
        try {
            ByteBuffer b = ByteBuffer.wrap(Base64.getUrlDecoder().decode(token));
            if (b.remaining() != LENGTH || b.get() != VERSION) {
                throw new IllegalArgumentException("continuation token is malformed");
            }
            if (b.getLong() != fingerprint) {
                throw new IllegalArgumentException("continuation token belongs to another query");
            }
            return new Continuation(LocalDate.ofEpochDay(b.getLong()), b.getLong(), b.getLong());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("continuation token rejected: " + e.getMessage(), e);
        }
    }
}
