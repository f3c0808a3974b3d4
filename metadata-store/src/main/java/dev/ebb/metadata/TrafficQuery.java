package dev.ebb.metadata;

import dev.ebb.model.Msisdn;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * A retention query: one criterion within a time window {@code [from, to)} on the event time, a page size and
 * optionally the continuation token of the previous page. Validated on construction: an inverted window, one longer
 * than 12 months, an unparseable MSISDN or a limit outside 1..{@value #MAX_LIMIT} throws
 * {@link IllegalArgumentException}.
 *
 * @param criterion    what to look for
 * @param from         window start, inclusive
 * @param to           window end, exclusive; after {@code from}, at most 12 months later
 * @param limit        page size, 1..{@value #MAX_LIMIT}
 * @param continuation token from the previous page, or null for the first page
 */
public record TrafficQuery(Criterion criterion, Instant from, Instant to, int limit, String continuation) {
    /** The hard cap on a page. */
    public static final int MAX_LIMIT = 10_000;
    /** Page size of the factory methods. */
    public static final int DEFAULT_LIMIT = 1_000;

    /** Validates the query; see the record description. */
    public TrafficQuery {
        Fields.requireNonNull("criterion", criterion);
        Fields.requireNonNull("from", from);
        Fields.requireNonNull("to", to);
        if (!to.isAfter(from)) {
            throw new IllegalArgumentException("query window is inverted or empty: from " + from + " is not before to "
                    + to);
        }
        if (to.isAfter(from.atOffset(ZoneOffset.UTC).plus(MetadataStoreConfig.MAX_RETENTION).toInstant())) {
            throw new IllegalArgumentException("query window " + from + " .. " + to
                    + " is longer than the 12 months traffic data is kept");
        }
        Fields.requireRange("limit", limit, 1, MAX_LIMIT);
    }

    /** Records where {@code msisdn} is the source, the destination or either. */
    public static TrafficQuery byMsisdn(String msisdn, Role role, Instant from, Instant to) {
        return new TrafficQuery(new ByMsisdn(msisdn, role), from, to, DEFAULT_LIMIT, null);
    }

    /** Records of one Ebb message id. */
    public static TrafficQuery byMessageId(String messageId, Instant from, Instant to) {
        return new TrafficQuery(new ByMessageId(messageId), from, to, DEFAULT_LIMIT, null);
    }

    /** Records of one customer. */
    public static TrafficQuery byCustomer(String customerId, Instant from, Instant to) {
        return new TrafficQuery(new ByCustomer(customerId), from, to, DEFAULT_LIMIT, null);
    }

    /** The ACCEPTED records of a customer's segments sent with {@code reference}. */
    public static TrafficQuery byReference(String customerId, String reference, Instant from, Instant to) {
        return new TrafficQuery(new ByReference(customerId, reference), from, to, DEFAULT_LIMIT, null);
    }

    /** This query with another page size. */
    public TrafficQuery withLimit(int pageSize) {
        return new TrafficQuery(criterion, from, to, pageSize, continuation);
    }

    /** This query resumed after the page that returned {@code token}. */
    public TrafficQuery withContinuation(String token) {
        return new TrafficQuery(criterion, from, to, limit, token);
    }

    /** A fingerprint binding a continuation token to the query it came from (not to its page size). */
    long fingerprint() {
        byte[] h = Sha256.digest().digest((criterion.fingerprintText() + "|" + from + "|" + to)
                .getBytes(StandardCharsets.UTF_8));
        long f = 0;
        for (int i = 0; i < 8; i++) {
            f = (f << 8) | (h[i] & 0xFF);
        }
        return f;
    }

    /** Which role a number plays in a record. */
    public enum Role {
        /** The number is the source address. */
        SOURCE,
        /** The number is the destination. */
        DESTINATION,
        /** Either. */
        EITHER
    }

    /** What a query looks for. */
    public sealed interface Criterion permits ByMsisdn, ByMessageId, ByCustomer, ByReference {
        /** True if the record matches. */
        boolean matches(TrafficRecord r);

        /** Stable text for the continuation fingerprint. */
        String fingerprintText();
    }

    /**
     * Records with a number as source and/or destination.
     *
     * @param msisdn the number; normalised to E.164 {@code +<digits>}, unparseable input is refused
     * @param role   which role
     */
    public record ByMsisdn(String msisdn, Role role) implements Criterion {
        /** Normalises the number. */
        public ByMsisdn {
            msisdn = Msisdn.normalise(msisdn);
            Fields.requireNonNull("role", role);
        }

        @Override
        public boolean matches(TrafficRecord r) {
            boolean src = msisdn.equals(r.source().indexForm());
            boolean dst = msisdn.equals(r.destination());
            return switch (role) {
                case SOURCE -> src;
                case DESTINATION -> dst;
                case EITHER -> src || dst;
            };
        }

        @Override
        public String fingerprintText() {
            return "msisdn:" + role + ":" + msisdn;
        }

        /** The number masked, so a criterion can go into a log line or an exception message (DESIGN invariant 1). */
        @Override
        public String toString() {
            return "ByMsisdn[" + Msisdn.mask(msisdn) + ", " + role + "]";
        }
    }

    /**
     * Records of one message.
     *
     * @param messageId Ebb's message id
     */
    public record ByMessageId(String messageId) implements Criterion {
        /** Validates the id. */
        public ByMessageId {
            Fields.requireAscii("messageId", messageId, 1, TrafficRecord.MAX_ID_LENGTH);
        }

        @Override
        public boolean matches(TrafficRecord r) {
            return messageId.equals(r.messageId());
        }

        @Override
        public String fingerprintText() {
            return "message:" + messageId;
        }
    }

    /**
     * Records of one customer.
     *
     * @param customerId the customer id
     */
    public record ByCustomer(String customerId) implements Criterion {
        /** Validates the id. */
        public ByCustomer {
            Fields.requireAscii("customerId", customerId, 1, TrafficRecord.MAX_ID_LENGTH);
        }

        @Override
        public boolean matches(TrafficRecord r) {
            return customerId.equals(r.customerId());
        }

        @Override
        public String fingerprintText() {
            return "customer:" + customerId;
        }
    }

    /**
     * The ACCEPTED record of each segment a customer sent with a reference ({@link TrafficRecord#reference()}): one
     * record per segment, as only those are indexed by reference; the segment's later records are found by its
     * message id. The customer is part of the criterion, so one customer's reference never finds another's records.
     *
     * @param customerId the customer id
     * @param reference  the reference, compared exactly
     */
    public record ByReference(String customerId, String reference) implements Criterion {
        /** Validates both. */
        public ByReference {
            Fields.requireAscii("customerId", customerId, 1, TrafficRecord.MAX_ID_LENGTH);
            Fields.requireNonNull("reference", reference);
            Fields.requireOptionalText("reference", reference, TrafficRecord.MAX_REFERENCE_LENGTH);
        }

        @Override
        public boolean matches(TrafficRecord r) {
            return r.eventType() == EventType.ACCEPTED && customerId.equals(r.customerId())
                    && reference.equals(r.reference());
        }

        @Override
        public String fingerprintText() {
            return "reference:" + customerId + ":" + reference;
        }
    }
}
