package dev.ebb.metadata;

import dev.ebb.model.Msisdn;
import java.net.InetAddress;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * One event in a message's life, as retained traffic data: who sent to whom, when, how and with what result.
 * It holds no content and nothing derived from content. Validated on construction: a missing mandatory field or an
 * out-of-range value throws {@link IllegalArgumentException} naming the field, before anything is written.
 *
 * @param eventType     what happened (mandatory)
 * @param eventTime     when, UTC; truncated to milliseconds (mandatory, not before 1970)
 * @param messageId     Ebb's message id, 1..64 printable ASCII (mandatory)
 * @param customerId    the customer the message belongs to, 1..64 printable ASCII (mandatory)
 * @param channel       ingress channel (mandatory)
 * @param systemId      the SMPP bind's system_id, 1..15 ASCII (SMPP 3.4 §5.2.1), or null
 * @param clientIp      the client's IP address, or null
 * @param source        source address with TON/NPI (mandatory)
 * @param destination   destination MSISDN, E.164; stored normalised as {@code +<digits>} (mandatory)
 * @param segmentIndex  1-based index of this segment, 1..segmentCount
 * @param segmentCount  number of segments of the concatenated message, 1..255
 * @param concatRef     concatenation reference (3GPP TS 23.040 §9.2.3.24.1/8), 0..65535; 0 for a single segment
 * @param dataCoding    SMPP data_coding (§5.2.19), 0..255
 * @param route         the route / southbound connector name, 1..64 ASCII, or null
 * @param smscMessageId the SMSC's message id (SMPP 3.4 §5.2.23, at most 64), or null
 * @param commandStatus SMPP command_status (§5.1.3) of the step, any 32-bit value; 0 = ESME_ROK
 * @param errorCode     network / receipt error code ("err:" of the receipt, SMPP 3.4 Appendix B), 0..65535
 * @param validUntil    end of the validity period, or null
 * @param reference     the customer's own reference for the message, 1..{@value #MAX_REFERENCE_LENGTH} Unicode
 *                      characters (code points) and no control character, or null. Not content: the customer chose it
 *                      to find the message again, and it is stored <em>in clear</em> (unlike the numbers), so the
 *                      customer's terms say it carries no personal data. Records with one are written in layout 2
 *                      ({@code RecordCodec}); the customer's ACCEPTED records are indexed by it
 *                      ({@link TrafficQuery.ByReference})
 */
public record TrafficRecord(
        EventType eventType,
        Instant eventTime,
        String messageId,
        String customerId,
        Channel channel,
        String systemId,
        InetAddress clientIp,
        SourceAddress source,
        String destination,
        int segmentIndex,
        int segmentCount,
        int concatRef,
        int dataCoding,
        String route,
        String smscMessageId,
        int commandStatus,
        int errorCode,
        Instant validUntil,
        String reference) {

    /** Maximum length of identifiers such as the message id and customer id. */
    public static final int MAX_ID_LENGTH = 64;
    /** Maximum length of a {@link #reference()}, in Unicode characters. */
    public static final int MAX_REFERENCE_LENGTH = 64;

    /** Validates every field; see the record description. */
    public TrafficRecord {
        Fields.requireNonNull("eventType", eventType);
        Fields.requireNonNull("eventTime", eventTime);
        Fields.requireRange("eventTime (epoch ms)", eventTime.toEpochMilli(), 0, Long.MAX_VALUE / 2);
        eventTime = eventTime.truncatedTo(ChronoUnit.MILLIS);
        Fields.requireAscii("messageId", messageId, 1, MAX_ID_LENGTH);
        Fields.requireAscii("customerId", customerId, 1, MAX_ID_LENGTH);
        Fields.requireNonNull("channel", channel);
        Fields.requireOptionalAscii("systemId", systemId, 15);
        Fields.requireNonNull("source", source);
        Fields.requireNonNull("destination", destination);
        String given = destination;
        destination = Msisdn.storedForm(given).orElseThrow(() -> new IllegalArgumentException(
                "destination must be an E.164 MSISDN ('+' and 1..15 digits), was " + Msisdn.mask(given)));
        Fields.requireRange("segmentCount", segmentCount, 1, 255);
        Fields.requireRange("segmentIndex", segmentIndex, 1, segmentCount);
        Fields.requireRange("concatRef", concatRef, 0, 0xFFFF);
        Fields.requireRange("dataCoding", dataCoding, 0, 0xFF);
        Fields.requireOptionalAscii("route", route, MAX_ID_LENGTH);
        Fields.requireOptionalAscii("smscMessageId", smscMessageId, MAX_ID_LENGTH);
        Fields.requireRange("errorCode", errorCode, 0, 0xFFFF);
        if (validUntil != null) {
            Fields.requireRange("validUntil (epoch ms)", validUntil.toEpochMilli(), 1, Long.MAX_VALUE / 2);
            validUntil = validUntil.truncatedTo(ChronoUnit.MILLIS);
        }
        checkReference(reference);
    }

    /**
     * Checks a {@link #reference()} as a record checks it, for ingress to refuse one before anything is written.
     *
     * @throws IllegalArgumentException naming the rule it breaks (never quoting it)
     */
    public static void checkReference(String reference) {
        Fields.requireOptionalText("reference", reference, MAX_REFERENCE_LENGTH);
    }

    /** A builder with single-segment, data_coding 0, status 0 defaults; mandatory fields must be set. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder pre-filled with this record's values, for the next event of the same message. */
    public Builder toBuilder() {
        return new Builder().eventType(eventType).eventTime(eventTime).messageId(messageId).customerId(customerId)
                .channel(channel).systemId(systemId).clientIp(clientIp).source(source).destination(destination)
                .segment(segmentIndex, segmentCount, concatRef).dataCoding(dataCoding).route(route)
                .smscMessageId(smscMessageId).commandStatus(commandStatus).errorCode(errorCode)
                .validUntil(validUntil).reference(reference);
    }

    /** Numbers and addresses masked: records end up in logs and exception messages (DESIGN invariant 1). */
    @Override
    public String toString() {
        return "TrafficRecord[" + eventType + " " + eventTime + " msg=" + messageId + " customer=" + customerId
                + " " + channel + " dst=" + Msisdn.mask(destination) + " src=" + source
                + " seg=" + segmentIndex + "/" + segmentCount + " status=" + commandStatus + "/" + errorCode + "]";
    }

    /** Fluent builder for {@link TrafficRecord}; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        private EventType eventType;
        private Instant eventTime;
        private String messageId;
        private String customerId;
        private Channel channel;
        private String systemId;
        private InetAddress clientIp;
        private SourceAddress source;
        private String destination;
        private int segmentIndex = 1;
        private int segmentCount = 1;
        private int concatRef;
        private int dataCoding;
        private String route;
        private String smscMessageId;
        private int commandStatus;
        private int errorCode;
        private Instant validUntil;
        private String reference;

        private Builder() {
        }

        /** Sets {@link TrafficRecord#eventType()}. */
        public Builder eventType(EventType v) {
            eventType = v;
            return this;
        }

        /** Sets {@link TrafficRecord#eventTime()}. */
        public Builder eventTime(Instant v) {
            eventTime = v;
            return this;
        }

        /** Sets {@link TrafficRecord#messageId()}. */
        public Builder messageId(String v) {
            messageId = v;
            return this;
        }

        /** Sets {@link TrafficRecord#customerId()}. */
        public Builder customerId(String v) {
            customerId = v;
            return this;
        }

        /** Sets {@link TrafficRecord#channel()}. */
        public Builder channel(Channel v) {
            channel = v;
            return this;
        }

        /** Sets {@link TrafficRecord#systemId()}. */
        public Builder systemId(String v) {
            systemId = v;
            return this;
        }

        /** Sets {@link TrafficRecord#clientIp()}. */
        public Builder clientIp(InetAddress v) {
            clientIp = v;
            return this;
        }

        /** Sets {@link TrafficRecord#source()}. */
        public Builder source(SourceAddress v) {
            source = v;
            return this;
        }

        /** Sets {@link TrafficRecord#destination()}. */
        public Builder destination(String v) {
            destination = v;
            return this;
        }

        /** Sets segment index, count and concatenation reference. */
        public Builder segment(int index, int count, int ref) {
            segmentIndex = index;
            segmentCount = count;
            concatRef = ref;
            return this;
        }

        /** Sets {@link TrafficRecord#dataCoding()}. */
        public Builder dataCoding(int v) {
            dataCoding = v;
            return this;
        }

        /** Sets {@link TrafficRecord#route()}. */
        public Builder route(String v) {
            route = v;
            return this;
        }

        /** Sets {@link TrafficRecord#smscMessageId()}. */
        public Builder smscMessageId(String v) {
            smscMessageId = v;
            return this;
        }

        /** Sets {@link TrafficRecord#commandStatus()}. */
        public Builder commandStatus(int v) {
            commandStatus = v;
            return this;
        }

        /** Sets {@link TrafficRecord#errorCode()}. */
        public Builder errorCode(int v) {
            errorCode = v;
            return this;
        }

        /** Sets {@link TrafficRecord#validUntil()}. */
        public Builder validUntil(Instant v) {
            validUntil = v;
            return this;
        }

        /** Sets {@link TrafficRecord#reference()}. */
        public Builder reference(String v) {
            reference = v;
            return this;
        }

        /** Builds and validates the record. */
        public TrafficRecord build() {
            return new TrafficRecord(eventType, eventTime, messageId, customerId, channel, systemId, clientIp, source,
                    destination, segmentIndex, segmentCount, concatRef, dataCoding, route, smscMessageId,
                    commandStatus, errorCode, validUntil, reference);
        }
    }
}
