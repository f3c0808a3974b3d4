package dev.ebb.gateway.compliance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.ebb.metadata.SourceAddress;
import dev.ebb.metadata.StoredRecord;
import dev.ebb.metadata.TrafficRecord;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One page of the delivery of a disclosure request, shaped after ETSI TS 102 657 (retained data handover): a header
 * naming the request, the provider and the time; a payload of SMS records with the originating and receiving parties
 * as {@code smsOriginator} and {@code smsRecipient}; and a signed digest over header and payload.
 *
 * <p>The digest is SHA-256 over the canonical JSON of {@code {"header":…,"payload":…}}: object members sorted by
 * name at every level, no whitespace, times as ISO-8601 strings, as in the response itself. A recipient re-serialises
 * the two members that way, hashes, and checks the Ed25519 signature over the digest with the published key.
 *
 * @param header    which request, who, when, which page
 * @param payload   the records
 * @param integrity the digest and its signature
 */
public record Delivery(Header header, Payload payload, Integrity integrity) {
    /** The canonical form's settings (sorted members); also what a verifier in Java can use. */
    public static final ObjectMapper CANONICAL = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

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

    /**
     * @param canonicalisation how the signed bytes are formed
     * @param digestAlgorithm  SHA-256
     * @param digest           hex digest of the canonical header and payload
     * @param signatureAlgorithm Ed25519
     * @param signature        Base64 signature over the digest's bytes
     * @param publicKey        Base64 X.509 encoding of the key that verifies it
     */
    public record Integrity(String canonicalisation, String digestAlgorithm, String digest, String signatureAlgorithm,
                            String signature, String publicKey) {
    }

    /** Builds and signs a page. */
    static Delivery signed(Header header, List<StoredRecord> records, DeliverySigner signer) {
        Payload payload = new Payload(records.stream().map(SmsRecord::of).toList());
        byte[] digest = sha256(canonical(header, payload));
        return new Delivery(header, payload, new Integrity("JSON, members sorted by name, no whitespace",
                "SHA-256", HexFormat.of().formatHex(digest), "Ed25519",
                Base64.getEncoder().encodeToString(signer.sign(digest)),
                Base64.getEncoder().encodeToString(signer.publicKey().getEncoded())));
    }

    /**
     * Checks a delivery as received: recomputes the digest over its header and payload in canonical form, compares
     * it with the one stated, and checks the signature over it with {@code key}, which the recipient must have
     * obtained from the provider, not from the delivery.
     *
     * @param delivery the delivery as parsed JSON
     * @return true when neither header nor payload was changed and the signature is the key's
     */
    public static boolean verifies(JsonNode delivery, PublicKey key) {
        JsonNode integrity = delivery.path("integrity");
        byte[] digest = sha256(canonical(CANONICAL.convertValue(delivery.path("header"), Map.class),
                CANONICAL.convertValue(delivery.path("payload"), Map.class)));
        if (!HexFormat.of().formatHex(digest).equals(integrity.path("digest").asText())) {
            return false;
        }
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(digest);
            return s.verify(Base64.getDecoder().decode(integrity.path("signature").asText()));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /** The bytes the digest covers. */
    static byte[] canonical(Object header, Object payload) {
        Map<String, Object> signed = new LinkedHashMap<>();
        signed.put("header", header);
        signed.put("payload", payload);
        try {
            return CANONICAL.writeValueAsBytes(signed);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("delivery cannot be serialised", e);
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
