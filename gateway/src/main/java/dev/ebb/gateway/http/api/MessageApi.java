package dev.ebb.gateway.http.api;

import dev.ebb.gateway.config.ContentConfig;
import dev.ebb.gateway.config.CustomerConfig;
import dev.ebb.gateway.core.ContentRetention;
import dev.ebb.gateway.core.DataCoding;
import dev.ebb.gateway.core.InvalidContentException;
import dev.ebb.gateway.core.InvalidRetentionException;
import dev.ebb.gateway.core.Originators;
import dev.ebb.gateway.core.OutboundMessage;
import dev.ebb.gateway.core.Segmenter;
import dev.ebb.gateway.core.SmppAddress;
import dev.ebb.gateway.core.Submission;
import dev.ebb.gateway.privacy.MessageHistory;
import dev.ebb.gateway.route.Admission;
import dev.ebb.metadata.Channel;
import dev.ebb.metadata.MetadataStore;
import dev.ebb.metadata.SourceAddress;
import dev.ebb.metadata.TrafficRecord;
import dev.ebb.model.InvalidAddressException;
import dev.ebb.model.Msisdn;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The customer HTTP API, independent of the transport: sending a message (validated field by field, segmented,
 * then admitted like an SMPP submit) and reading back what became of it from the customer's own traffic records.
 */
public final class MessageApi {
    /**
     * Retry-After of a refusal for lack of disk space: space comes back when people free it or content expires (hourly
     * buckets), not within a second, and a retry costs the client a round trip for nothing.
     */
    static final int STORES_RETRY_AFTER_SECONDS = 30;
    /** 3GPP TS 23.040 §9.2.3.1: TP-UDHI, the short message starts with a user data header. */
    private static final byte ESM_UDHI = 0x40;

    private final Admission admission;
    private final BiPredicate<CustomerConfig, Integer> rate;
    private final Predicate<String> wantsReceipts;
    private final MessageHistory history;
    private final ReferenceSearch search;
    private final ContentConfig content;
    private final Clock clock;
    /** Concatenation references (8-bit) run on from a random start, so a restart does not reuse the last ones. */
    private final AtomicInteger reference = new AtomicInteger(new SecureRandom().nextInt(256));

    /**
     * @param rate          takes a number of submits (segments) from the customer's rate, shared with its SMPP binds;
     *                      false when over it
     * @param wantsReceipts customers whose HTTP messages ask for receipts (they have a {@code receiptUrl})
     */
    public MessageApi(Admission admission, BiPredicate<CustomerConfig, Integer> rate, Predicate<String> wantsReceipts,
               MetadataStore store, ContentConfig content, Clock clock) {
        this.admission = admission;
        this.rate = rate;
        this.wantsReceipts = wantsReceipts;
        this.history = new MessageHistory(store, clock);
        this.search = new ReferenceSearch(store, history, clock);
        this.content = content;
        this.clock = clock;
    }

    /** What was accepted: one id per segment, in order. */
    record Sent(List<String> messageIds, String encoding) {
    }

    /**
     * What every recipient of a request shares, validated once: sender, text in segments, expiry and reference.
     *
     * @param now when the request was read: the messages' acceptance time
     */
    record Prepared(SmppAddress source, DataCoding coding, List<Segmenter.Segment> segments, Instant expiry,
                    String reference, ContentRetention retention, Instant now) {
        @Override
        public String toString() {
            // The segments are content.
            return "Prepared[segments=" + segments.size() + ", " + coding + "]";
        }
    }

    /**
     * Validates and admits a message to one recipient.
     *
     * @return completes once the message is durable ({@code storage.durability}), or fails with an {@link ApiRefusal}:
     *         503 when the route is congested or Ebb's storage short of space, 500 when it could not be made durable
     * @throws ApiRefusal 400 naming the field, 429 over the customer's rate
     */
    CompletionStage<Sent> send(CustomerConfig customer, String clientIp, SendRequest request) {
        Msisdn to = destination(customer, request.to());
        return sendTo(customer, clientIp, prepare(customer, request), to);
    }

    /**
     * Validates and admits a message to each recipient of {@link SendRequest#recipients()}, see {@link BatchSend}.
     *
     * @throws ApiRefusal 400 naming the field when the request as a whole is not valid
     */
    CompletionStage<BatchSend.Results> sendBatch(CustomerConfig customer, String clientIp, SendRequest request) {
        return BatchSend.send(this, customer, clientIp, request);
    }

    /** @throws ApiRefusal 400 naming the field: from, text, validity or reference */
    Prepared prepare(CustomerConfig customer, SendRequest request) {
        Instant now = clock.instant();
        SourceAddress from = source(customer, request.from());
        if (request.text() == null || request.text().isEmpty()) {
            throw ApiRefusal.invalid("text", "text is required");
        }
        ContentRetention retention = retention(customer, request.contentRetention());
        Instant expiry = now.plus(validity(request.validity()));
        Instant forgetAt = retention.deadline(now);
        if (forgetAt != null && forgetAt.isBefore(expiry)) {
            // Not sent once its content must be gone: it then ends EXPIRED, with its receipt.
            expiry = forgetAt;
        }
        String clientReference = ClientReference.check(request.reference());
        DataCoding coding = DataCoding.forText(request.text());
        List<Segmenter.Segment> segments;
        try {
            segments = Segmenter.split(request.text(), coding, reference.getAndIncrement() & 0xFF);
        } catch (InvalidContentException e) {
            throw ApiRefusal.invalid("text", e.getMessage());
        }
        return new Prepared(new SmppAddress((byte) from.ton(), (byte) from.npi(), from.value()), coding, segments,
                expiry, clientReference, retention, now);
    }

    /**
     * Admits a prepared message to one recipient, charging the customer's rate one submit per segment, all or none.
     *
     * @throws ApiRefusal 429 over the customer's rate
     */
    CompletionStage<Sent> sendTo(CustomerConfig customer, String clientIp, Prepared message, Msisdn to) {
        if (!rate.test(customer, message.segments().size())) {
            throw new ApiRefusal(429, "rate-limited", null, "over the customer's rate of " + customer.tps()
                    + " messages per second");
        }
        DataCoding coding = message.coding();
        // SMPP 3.4 §5.2.17 value 1: a receipt for the final state, posted to the customer's receiptUrl.
        byte registeredDelivery = (byte) (wantsReceipts.test(customer.id()) ? 1 : 0);
        List<Function<String, OutboundMessage>> builders = new ArrayList<>();
        for (Segmenter.Segment s : message.segments()) {
            builders.add(id -> OutboundMessage.builder(id, customer.id()).source(message.source())
                    .destination(SmppAddress.international(to.e164()))
                    .esmClass(s.concatenation().isPresent() ? ESM_UDHI : 0).registeredDelivery(registeredDelivery)
                    .dataCoding((byte) coding.value()).shortMessage(s.shortMessage()).expiry(message.expiry())
                    .contentRetention(message.retention()).build());
        }
        return admission.admit(to, new Submission.Ingress(Channel.HTTP, null, clientIp, 0, message.reference()),
                        message.now(), builders)
                .thenApply(outcome -> switch (outcome.status()) {
                    case ACCEPTED -> new Sent(outcome.messageIds(), coding.name());
                    case NO_ROUTE -> throw ApiRefusal.noRoute("no route serves " + to.masked());
                    case CONGESTED -> throw new ApiRefusal(503, "congested", null, "the route to " + to.masked()
                            + " is congested; retry later");
                    case STORES_FULL -> throw new ApiRefusal(503, "storage-full", null, "Ebb's storage is short of"
                            + " space; nothing was sent; retry later", STORES_RETRY_AFTER_SECONDS);
                    case FAILED -> throw new ApiRefusal(500, "not-accepted", null, "the message could not be"
                            + " accepted; nothing was sent");
                });
    }

    /**
     * What became of one of the customer's segments, from its traffic records.
     *
     * @throws ApiRefusal 404 when the customer sent no such message in the last {@link #MessageHistory.WINDOW}
     */
    MessageStatus status(CustomerConfig customer, String messageId) {
        List<TrafficRecord> records = history.of(customer.id(), messageId);
        if (records.isEmpty()) {
            throw new ApiRefusal(404, "not-found", "id", "no message " + messageId + " of yours in the last "
                    + MessageHistory.WINDOW.toDays() + " days");
        }
        return MessageStatus.of(messageId, records);
    }

    /** The customer's segments sent with {@code reference}, see {@link ReferenceSearch#find}. */
    ReferenceSearch.Page find(CustomerConfig customer, String reference, String limit, String after) {
        return search.find(customer, reference, limit, after);
    }

    /** The handset, read with the customer's numbering as SMPP ingress reads a TON 0 dest_addr. */
    static Msisdn destination(CustomerConfig customer, String to) {
        return destination(customer, to, "to");
    }

    /** {@link #destination(CustomerConfig, String)}, a refusal naming {@code field} ({@code to[3]} in a batch). */
    static Msisdn destination(CustomerConfig customer, String to, String field) {
        if (to == null) {
            throw ApiRefusal.invalid(field, "to is required: the handset's number in E.164 (+4790000001)");
        }
        try {
            return Msisdn.parse(to, customer.addressing().numbering());
        } catch (InvalidAddressException e) {
            throw ApiRefusal.invalid(field, "not an E.164 number (expected '+' or 00 and 8..15 digits, or digits as"
                    + " your numbering reads them): " + Msisdn.mask(to));
        }
    }

    /** The sender, read as SMPP ingress reads a source_addr; none given is the customer's defaultSender. */
    private static SourceAddress source(CustomerConfig customer, String from) {
        if ((from == null || from.isEmpty()) && customer.addressing().defaultSender() == null) {
            throw ApiRefusal.invalid("from", "from is required: an E.164 number, a short code or a sender name");
        }
        try {
            return Originators.fromText(from, customer.addressing().numbering(), customer.addressing().sender());
        } catch (InvalidAddressException e) {
            throw ApiRefusal.invalid("from", "not a usable sender: an E.164 number, a short code of 3..8 digits or"
                    + " a name of 1..11 printable GSM characters");
        }
    }

    /** How long the vault may keep the text: as the request says, else as the customer's configuration does. */
    private static ContentRetention retention(CustomerConfig customer, String asked) {
        if (asked == null) {
            return customer.retention();
        }
        try {
            return ContentRetention.parse(asked);
        } catch (InvalidRetentionException e) {
            throw ApiRefusal.invalid("contentRetention", "contentRetention " + e.getMessage());
        }
    }

    private Duration validity(String validity) {
        if (validity == null) {
            return content.maxValidity();
        }
        Duration d;
        try {
            d = Duration.parse(validity);
        } catch (DateTimeParseException e) {
            throw ApiRefusal.invalid("validity", "validity must be an ISO-8601 duration (PT1H)");
        }
        if (d.isNegative() || d.isZero() || d.compareTo(content.maxValidity()) > 0) {
            throw ApiRefusal.invalid("validity", "validity must be more than zero and at most "
                    + content.maxValidity() + ", how long Ebb may keep content");
        }
        return d;
    }
}
