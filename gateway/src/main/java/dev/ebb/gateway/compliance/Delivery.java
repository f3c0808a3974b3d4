package dev.ebb.gateway.compliance;

import dev.ebb.metadata.QueryPage;
import dev.ebb.metadata.SourceAddress;
import dev.ebb.metadata.StoredRecord;
import dev.ebb.metadata.TrafficRecord;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One page of the delivery of a disclosure request, shaped after ETSI TS 102 657 (retained data handover): a header
 * naming the request, the provider and the time; a payload of SMS records with the originating and receiving parties
 * as {@code smsOriginator} and {@code smsRecipient}; and a signed digest over header and payload.
 *
 * <p>The digest covers the canonical JSON of {@code {"header":…,"payload":…}} ({@link SignedJson}); a recipient
 * checks it with {@link SignedJson#verifies}.
 *
 * @param header    which request, who, when, which page
 * @param payload   the records
 * @param integrity the digest and its signature
 */
public record Delivery(Header header, Payload payload, SignedJson.Integrity integrity) {
    /**
     * @param requestId     the disclosure request
     * @param cspId         the provider disclosing
     * @param timestamp     when this page was made
     * @param caseReference the authorisation's reference
     * @param legalType     its legal basis
     * @param timespan      the window it covers
     * @param page          1-based page number
     * @param lastPage      true when nothing follows
     * @param recordCount   records on this page
     * @param continuation  the token for the next page, or null on the last
     */
    public record Header(String requestId, String cspId, Instant timestamp, String caseReference, String legalType,
                         DisclosureRequest.Timespan timespan, int page, boolean lastPage, int recordCount,
                         String continuation) {
        /** The header of page {@code number} of {@code request}, holding {@code page}, made {@code at}. */
        static Header of(DisclosureRequest request, String cspId, Instant at, int number, QueryPage page) {
            DisclosureRequest.Authorisation auth = request.authorisation();
            return new Header(request.id(), cspId, at, auth.reference(), auth.legalType(), auth.timespan(), number,
                    page.continuation().isEmpty(), page.records().size(), page.continuation().orElse(null));
        }
    }

    /** @param records in time order */
    public record Payload(List<SmsRecord> records) {
    }

    /**
     * One SMS event: traffic data only, never content.
     *
     * @param day           the record's day in the metadata store
     * @param sequence      its leaf index there (an export package proves it)
     * @param eventType     what happened
     * @param eventTime     when
     * @param messageId     Ebb's message id
     * @param customerId    the sending business (the controller)
     * @param channel       SMPP, HTTP or SMSC
     * @param smsOriginator the sender
     * @param smsRecipient  the receiving handset
     * @param segmentIndex  1-based segment
     * @param segmentCount  segments of the message
     * @param route         the operator route, or null
     * @param smscMessageId the operator's message id, or null
     * @param commandStatus SMPP command_status of the step
     * @param errorCode     receipt error code
     */
    public record SmsRecord(LocalDate day, long sequence, String eventType, Instant eventTime, String messageId,
                            String customerId, String channel, Party smsOriginator, Party smsRecipient,
                            int segmentIndex, int segmentCount, String route, String smscMessageId, int commandStatus,
                            int errorCode) {
        static SmsRecord of(StoredRecord stored) {
            TrafficRecord r = stored.record();
            return new SmsRecord(stored.ref().day(), stored.ref().sequence(), r.eventType().name(), r.eventTime(),
                    r.messageId(), r.customerId(), r.channel().name(),
                    originator(r.source()),
                    new Party("msisdn", r.destination(), 1, 1), r.segmentIndex(), r.segmentCount(), r.route(),
                    r.smscMessageId(), r.commandStatus(), r.errorCode());
        }
    }

    /** The sender as a party: an alphanumeric name, an international number in E.164, or a number as given. */
    private static Party originator(SourceAddress source) {
        return switch (source.ton()) {
            case SourceAddress.TON_ALPHANUMERIC -> new Party("alphanumeric", source.value(), source.ton(),
                    source.npi());
            case SourceAddress.TON_INTERNATIONAL -> new Party("msisdn", "+" + source.value(), source.ton(),
                    source.npi());
            default -> new Party("number", source.value(), source.ton(), source.npi());
        };
    }

    /**
     * A party leg.
     *
     * @param addressType {@code msisdn} (E.164), {@code alphanumeric}, or {@code number} (another type of number,
     *                    as the sender gave it)
     * @param address     the number or sender name
     * @param ton         SMPP type of number
     * @param npi         SMPP numbering plan
     */
    public record Party(String addressType, String address, int ton, int npi) {
    }

    /** Builds and signs a page. */
    static Delivery signed(Header header, List<StoredRecord> records, DeliverySigner signer) {
        Payload payload = new Payload(records.stream().map(SmsRecord::of).toList());
        Map<String, Object> unsigned = new LinkedHashMap<>();
        unsigned.put("header", header);
        unsigned.put("payload", payload);
        return new Delivery(header, payload, SignedJson.sign(unsigned, signer));
    }
}
