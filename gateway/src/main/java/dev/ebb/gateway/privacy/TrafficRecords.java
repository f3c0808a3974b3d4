package dev.ebb.gateway.privacy;

import dev.ebb.gateway.core.Concatenation;
import dev.ebb.gateway.core.OutboundMessage;
import dev.ebb.gateway.core.Submission;
import dev.ebb.metadata.EventType;
import dev.ebb.metadata.SourceAddress;
import dev.ebb.metadata.TrafficRecord;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Optional;

/**
 * Derives traffic records from a submission: the retained categories for messaging (who, to whom, when,
 * how, by which route) and nothing of the content (DESIGN.md invariant 1).
 */
final class TrafficRecords {
    private TrafficRecords() {
    }

    /** The ACCEPTED record; later events of the message are written from it with {@link TrafficRecord#toBuilder()}. */
    static TrafficRecord accepted(Submission submission, String route) {
        OutboundMessage m = submission.message();
        Optional<Concatenation> segment = segmentOf(m);
        return TrafficRecord.builder()
                .eventType(EventType.ACCEPTED)
                .eventTime(submission.acceptedAt())
                .messageId(m.messageId())
                .customerId(m.customerId())
                .channel(submission.ingress().channel())
                .systemId(submission.ingress().systemId())
                .clientIp(address(submission.ingress().clientIp()))
                .source(new SourceAddress(m.source().value(), m.source().ton(), m.source().npi()))
                .destination(m.destination().value())
                .segment(segment.map(Concatenation::seq).orElse(1), segment.map(Concatenation::total).orElse(1),
                        segment.map(Concatenation::ref).orElse(0))
                .dataCoding(m.dataCoding() & 0xFF)
                .route(route)
                .validUntil(m.expiry())
                .reference(submission.ingress().reference())
                .build();
    }

    /** The next event of the same message. */
    static TrafficRecord next(TrafficRecord accepted, EventType type, Instant at, String smscMessageId, int commandStatus,
                              int errorCode) {
        return next(accepted.toBuilder(), type, at, smscMessageId, commandStatus, errorCode);
    }

    /** The next event of the message whose ACCEPTED record's fields {@code accepted} holds (it is changed). */
    static TrafficRecord next(TrafficRecord.Builder accepted, EventType type, Instant at, String smscMessageId,
                              int commandStatus, int errorCode) {
        return accepted.eventType(type).eventTime(at).smscMessageId(smscMessageId).commandStatus(commandStatus)
                .errorCode(errorCode).build();
    }

    private static Optional<Concatenation> segmentOf(OutboundMessage m) {
        if (m.sar() != null) {
            return Optional.of(new Concatenation(m.sar().reference(), true, m.sar().total(), m.sar().sequence()));
        }
        return Concatenation.fromShortMessage(m.esmClass(), m.shortMessage());
    }

    private static InetAddress address(String literal) {
        if (literal == null) {
            return null;
        }
        try {
            // A literal IP address is parsed, never looked up: no DNS traffic (invariant 7).
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
