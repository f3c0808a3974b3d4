package dev.ebb.gateway.route;

import dev.ebb.gateway.core.OutboundMessage;
import dev.ebb.gateway.core.SmppAddress;
import dev.ebb.gateway.privacy.PrivacyInterceptor;
import dev.ebb.gateway.privacy.VaultHandle;
import dev.ebb.metadata.Channel;
import dev.ebb.metadata.EventType;
import dev.ebb.metadata.SourceAddress;
import dev.ebb.metadata.TrafficRecord;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;

/**
 * What the gateway holds of a message between acceptance and its final state: where its content lies in the vault,
 * never the content, plus its ACCEPTED record (the template of its later records) and what a receipt to the customer
 * needs.
 *
 * <p>Every accepted message waits in this form, queued behind an SMSC or awaiting its receipt, often 100,000s at once:
 * so it keeps the fields themselves in primitives, not the {@link TrafficRecord}, {@link VaultHandle} and addresses
 * they are read as (with their {@code Instant}s, {@code InetAddress} and second copy of the number), and builds those
 * when asked: a few short-lived objects per event instead of ~400 bytes a message kept (benchmarks/README.md, "In-flight
 * footprint"). Addresses follow the record: the customer's receipt goes from its destination, as E.164, to its source.
 */
public final class InFlight {
    /** {@link #bucketMillis} of a message without a vault handle (tests of the stages after the vault). */
    private static final long NO_HANDLE = Long.MIN_VALUE;
    /** {@link #validUntilMillis} of a message valid as long as the vault keeps it. */
    private static final long NO_LIMIT = Long.MIN_VALUE;

    private final String messageId;
    private final String customerId;
    private final long bucketMillis;
    private final long position;
    private final long acceptedAtMillis;
    private final long validUntilMillis;
    private final Channel channel;
    private final String systemId;
    /** The client's address bytes (4 or 16), or null. */
    private final byte[] clientIp;
    private final String source;
    private final byte sourceTon;
    private final byte sourceNpi;
    /** The E.164 destination's digits: the stored form is "+" and these, without a leading zero (Msisdn.storedForm). */
    private final long destination;
    private final byte segmentIndex;
    private final byte segmentCount;
    private final char concatRef;
    private final byte dataCoding;
    private final String route;
    private final boolean receiptWanted;
    /** Its customer asked for its content to go once the SMSC acknowledged it (until-submitted). */
    private final boolean contentUntilSubmitted;
    private final long sessionId;
    /** The customer's reference (HTTP), or null: one reference per message, shared with its record. */
    private final String reference;

    /**
     * @param accepted      its vault handle (null only where no vault is involved) and ACCEPTED record
     * @param receiptWanted the customer asked for a delivery receipt (registered_delivery)
     * @param sessionId     the SMPP session that submitted it (its receipt prefers that bind), 0 when none or unknown
     * @throws IllegalArgumentException when the record is not an ACCEPTED one or names another message than the handle
     */
    public InFlight(PrivacyInterceptor.Accepted accepted, boolean receiptWanted, long sessionId) {
        this(accepted, receiptWanted, sessionId, false);
    }

    /** @param contentUntilSubmitted its content goes once the SMSC acknowledged it (until-submitted) */
    public InFlight(PrivacyInterceptor.Accepted accepted, boolean receiptWanted, long sessionId,
                    boolean contentUntilSubmitted) {
        TrafficRecord r = accepted.record();
        VaultHandle handle = accepted.handle();
        if (r.eventType() != EventType.ACCEPTED || r.smscMessageId() != null || r.commandStatus() != 0
                || r.errorCode() != 0) {
            throw new IllegalArgumentException("an in-flight message is kept by its ACCEPTED record, not " + r);
        }
        if (handle != null && !(handle.messageId().equals(r.messageId()) && handle.customerId().equals(r.customerId()))) {
            throw new IllegalArgumentException("vault handle of " + handle.messageId() + " with the record of "
                    + r.messageId());
        }
        this.messageId = r.messageId();
        this.customerId = r.customerId();
        this.bucketMillis = handle == null ? NO_HANDLE : handle.bucket().toEpochMilli();
        this.position = handle == null ? 0 : handle.position();
        this.acceptedAtMillis = r.eventTime().toEpochMilli();
        this.validUntilMillis = r.validUntil() == null ? NO_LIMIT : r.validUntil().toEpochMilli();
        this.channel = r.channel();
        this.systemId = r.systemId();
        this.clientIp = r.clientIp() == null ? null : r.clientIp().getAddress();
        this.source = r.source().value();
        this.sourceTon = (byte) r.source().ton();
        this.sourceNpi = (byte) r.source().npi();
        this.destination = Long.parseLong(r.destination(), 1, r.destination().length(), 10);
        this.segmentIndex = (byte) r.segmentIndex();
        this.segmentCount = (byte) r.segmentCount();
        this.concatRef = (char) r.concatRef();
        this.dataCoding = (byte) r.dataCoding();
        this.route = r.route();
        this.receiptWanted = receiptWanted;
        this.contentUntilSubmitted = contentUntilSubmitted;
        this.sessionId = sessionId;
        this.reference = r.reference();
    }

    /** {@code original} on another route: every field its own but {@code route}. */
    private InFlight(InFlight original, String route) {
        this.messageId = original.messageId;
        this.customerId = original.customerId;
        this.bucketMillis = original.bucketMillis;
        this.position = original.position;
        this.acceptedAtMillis = original.acceptedAtMillis;
        this.validUntilMillis = original.validUntilMillis;
        this.channel = original.channel;
        this.systemId = original.systemId;
        this.clientIp = original.clientIp;
        this.source = original.source;
        this.sourceTon = original.sourceTon;
        this.sourceNpi = original.sourceNpi;
        this.destination = original.destination;
        this.segmentIndex = original.segmentIndex;
        this.segmentCount = original.segmentCount;
        this.concatRef = original.concatRef;
        this.dataCoding = original.dataCoding;
        this.route = route;
        this.receiptWanted = original.receiptWanted;
        this.contentUntilSubmitted = original.contentUntilSubmitted;
        this.sessionId = original.sessionId;
        this.reference = original.reference;
    }

    /**
     * This message as it went by {@code connector}: the same, but its later records name that route. Itself when that
     * is the route it was accepted for; another when a fallback took it.
     */
    public InFlight via(String connector) {
        return connector.equals(route) ? this : new InFlight(this, connector);
    }

    /** {@code message}, accepted as {@code accepted}, on its way to the route its record names. */
    public static InFlight of(PrivacyInterceptor.Accepted accepted, OutboundMessage message, long sessionId) {
        return new InFlight(accepted, message.wantsReceipt(), sessionId, message.contentRetention().endsAtSubmit());
    }

    /**
     * What a receipt needs, rebuilt from the ACCEPTED record when the content (which holds the rest) cannot be read.
     * A receipt is sent: the customer's registered_delivery is in that content, and an accepted message that ends
     * unsent must not end in silence.
     */
    public static InFlight fromRecord(PrivacyInterceptor.Accepted accepted) {
        return new InFlight(accepted, true, 0);
    }

    /** Where its content lies; null only for a message that never went through a vault. */
    public VaultHandle handle() {
        return bucketMillis == NO_HANDLE ? null
                : new VaultHandle(customerId, Instant.ofEpochMilli(bucketMillis), position, messageId);
    }

    /** Its ACCEPTED record, the template of the records of its later events. */
    public TrafficRecord record() {
        return recordBuilder().build();
    }

    /**
     * A builder holding its ACCEPTED record's fields, for the record of its next event: one record built and checked
     * per event instead of two ({@link #record()}, then {@link TrafficRecord#toBuilder()}).
     */
    public TrafficRecord.Builder recordBuilder() {
        return TrafficRecord.builder().eventType(EventType.ACCEPTED).eventTime(Instant.ofEpochMilli(acceptedAtMillis))
                .messageId(messageId).customerId(customerId).channel(channel).systemId(systemId).clientIp(clientIp())
                .source(new SourceAddress(source, Byte.toUnsignedInt(sourceTon), Byte.toUnsignedInt(sourceNpi)))
                .destination(destinationE164()).segment(Byte.toUnsignedInt(segmentIndex),
                        Byte.toUnsignedInt(segmentCount), concatRef)
                .dataCoding(Byte.toUnsignedInt(dataCoding)).route(route).validUntil(validUntil())
                .reference(reference);
    }

    /** The handle and the record, as the privacy interceptor gave them. */
    public PrivacyInterceptor.Accepted accepted() {
        return new PrivacyInterceptor.Accepted(handle(), record());
    }

    public String messageId() {
        return messageId;
    }

    public String customerId() {
        return customerId;
    }

    /** When it was accepted (its ACCEPTED record's event time), in epoch milliseconds. */
    public long acceptedAtMillis() {
        return acceptedAtMillis;
    }

    /**
     * When it was accepted: its ACCEPTED record's event time, without building the record (a receipt needs only this,
     * and {@link #record()} builds and checks every field).
     */
    public Instant acceptedAt() {
        return Instant.ofEpochMilli(acceptedAtMillis);
    }

    /** The customer's own reference for it (its ACCEPTED record's), or null. */
    public String reference() {
        return reference;
    }

    /** The route (connector) its record names. */
    public String route() {
        return route;
    }

    /** After this it is not submitted; null: as long as the vault keeps it. */
    public Instant validUntil() {
        return validUntilMillis == NO_LIMIT ? null : Instant.ofEpochMilli(validUntilMillis);
    }

    /** The sender, as Ebb submits it southbound. */
    public SmppAddress source() {
        return new SmppAddress(sourceTon, sourceNpi, source);
    }

    /** The handset, international (TON 1, NPI 1), as Ebb submits it southbound. */
    public SmppAddress destination() {
        return SmppAddress.international(Long.toString(destination));
    }

    public boolean receiptWanted() {
        return receiptWanted;
    }

    public long sessionId() {
        return sessionId;
    }

    /** Its content goes once the SMSC has acknowledged it, not when it is final. */
    public boolean contentUntilSubmitted() {
        return contentUntilSubmitted;
    }

    private String destinationE164() {
        return "+" + destination;
    }

    /** The address it was submitted from (its ACCEPTED record's), or null. */
    public InetAddress clientIp() {
        if (clientIp == null) {
            return null;
        }
        try {
            return InetAddress.getByAddress(clientIp); // bytes, not a name: no lookup (invariant 7)
        } catch (UnknownHostException e) {
            throw new IllegalStateException("kept " + clientIp.length + " address bytes", e);
        }
    }

    @Override
    public String toString() {
        // No number: messages in flight end up in log lines and exception messages.
        return "InFlight[id=" + messageId + ", customer=" + customerId + ", route=" + route + "]";
    }
}
