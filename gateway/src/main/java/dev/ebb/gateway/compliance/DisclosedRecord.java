package dev.ebb.gateway.compliance;

import dev.ebb.metadata.StoredRecord;
import dev.ebb.metadata.TrafficRecord;
import java.time.Instant;
import java.time.LocalDate;

/**
 * One retained record as disclosed: traffic data and its position in the store, never content (the store holds
 * none). Flat, so that JSON lines and CSV show the same columns.
 *
 * @param day           the record's day cycle (UTC)
 * @param sequence      its position in that day, the leaf index of its inclusion proof
 * @param eventType     what happened
 * @param eventTime     when
 * @param messageId     Ebb's message id
 * @param customerId    the customer (controller) the message belongs to
 * @param channel       SMPP, HTTP or SMSC
 * @param systemId      the SMPP system_id, or null
 * @param clientIp      the client IP, or null
 * @param source        the source address (number or alphanumeric sender)
 * @param sourceTon     its SMPP 3.4 §5.2.5 TON
 * @param sourceNpi     its SMPP 3.4 §5.2.6 NPI
 * @param destination   the destination MSISDN, E.164
 * @param segmentIndex  1-based segment index
 * @param segmentCount  segments of the message
 * @param dataCoding    SMPP §5.2.19 data_coding
 * @param route         the southbound route, or null
 * @param smscMessageId the SMSC's message id, or null
 * @param commandStatus SMPP §5.1.3 command_status of the step
 * @param errorCode     receipt error code
 * @param validUntil    end of validity, or null
 */
public record DisclosedRecord(LocalDate day, long sequence, String eventType, Instant eventTime, String messageId,
                              String customerId, String channel, String systemId, String clientIp, String source,
                              int sourceTon, int sourceNpi, String destination, int segmentIndex, int segmentCount,
                              int dataCoding, String route, String smscMessageId, int commandStatus, int errorCode,
                              Instant validUntil) {
    /** The disclosed form of a stored record. */
    public static DisclosedRecord of(StoredRecord stored) {
        TrafficRecord r = stored.record();
        return new DisclosedRecord(stored.ref().day(), stored.ref().sequence(), r.eventType().name(), r.eventTime(),
                r.messageId(), r.customerId(), r.channel().name(), r.systemId(),
                r.clientIp() == null ? null : r.clientIp().getHostAddress(), r.source().value(), r.source().ton(),
                r.source().npi(), r.destination(), r.segmentIndex(), r.segmentCount(), r.dataCoding(), r.route(),
                r.smscMessageId(), r.commandStatus(), r.errorCode(), r.validUntil());
    }
}
