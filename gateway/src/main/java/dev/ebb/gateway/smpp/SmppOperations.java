package dev.ebb.gateway.smpp;

import dev.ebb.gateway.config.ContentConfig;
import dev.ebb.gateway.core.InvalidConcatenationException;
import dev.ebb.gateway.core.InvalidValidityException;
import dev.ebb.gateway.core.Replacement;
import dev.ebb.gateway.core.SentMessages;
import dev.ebb.gateway.core.ValidityPeriod;
import dev.ebb.gateway.smpp.pdu.CommandStatus;
import dev.ebb.gateway.smpp.pdu.Pdu;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * query_sm, cancel_sm and replace_sm (SMPP 3.4 §4.8–§4.10) on a customer's own messages, off the event loop: they
 * read and write the stores, which a session's other PDUs should not wait behind. Another customer's message is
 * answered exactly as one that does not exist.
 */
public final class SmppOperations implements MessageOperations {
    private static final Logger LOG = LoggerFactory.getLogger(SmppOperations.class);
    private final SentMessages messages;
    private final ContentConfig content;
    private final Clock clock;
    private final CustomerTurns turns;

    /** @param executor runs the store reads and writes of each operation, customers taking turns */
    public SmppOperations(SentMessages messages, ContentConfig content, Clock clock, Executor executor) {
        this.messages = messages;
        this.content = content;
        this.clock = clock;
        this.turns = new CustomerTurns(executor);
    }

    @Override
    public CompletionStage<Pdu.Response> handle(SessionInfo session, Pdu.Request<?> request) {
        CompletableFuture<Pdu.Response> response = new CompletableFuture<>();
        turns.execute(session.customerId(), () -> {
            try {
                response.complete(run(session, request));
            } catch (RuntimeException e) {
                response.completeExceptionally(e);
            }
        });
        return response;
    }

    private Pdu.Response run(SessionInfo session, Pdu.Request<?> request) {
        if (request instanceof Pdu.QuerySm query) {
            return query(session, query);
        }
        if (request instanceof Pdu.CancelSm cancel) {
            return new Pdu.CancelSmResp(cancel.sequenceNumber(), cancel(session, cancel));
        }
        if (request instanceof Pdu.ReplaceSm replace) {
            return new Pdu.ReplaceSmResp(replace.sequenceNumber(), replace(session, replace));
        }
        return request.errorResponse(CommandStatus.ESME_RINVCMDID);
    }

    /**
     * §4.8.2: the state, and the final date once final. A message of another customer is answered as one that does
     * not exist: §5.1.3 0x67 ESME_RQUERYFAIL, never a sign that it exists.
     */
    private Pdu.Response query(SessionInfo session, Pdu.QuerySm query) {
        Optional<SentMessages.Status> status = messages.status(session.customerId(), query.messageId());
        if (status.isEmpty()) {
            return query.errorResponse(CommandStatus.ESME_RQUERYFAIL);
        }
        SentMessages.Status s = status.get();
        return new Pdu.QuerySmResp(query.sequenceNumber(), CommandStatus.ESME_ROK, query.messageId(),
                s.finalDate() == null ? "" : ValidityPeriod.format(s.finalDate()), (byte) s.state().code(),
                (byte) s.errorCode());
    }

    /**
     * §4.9: a message still queued in Ebb is cancelled; once submitted to an SMSC, unknown, or another customer's,
     * §5.1.3 0x11 ESME_RCANCELFAIL. The mass form (message_id empty: every message of a source to a destination)
     * is refused the same way: Ebb keeps no index of queued messages by address, and the traffic records would
     * have to be searched by number for a customer operation.
     */
    private int cancel(SessionInfo session, Pdu.CancelSm cancel) {
        if (cancel.messageId().isEmpty()) {
            LOG.info("cancel_sm of customer {} (session {}) refused: the form without message_id (by service_type, "
                    + "source and destination) is not supported", session.customerId(), session.sessionId());
            return CommandStatus.ESME_RCANCELFAIL;
        }
        return messages.cancel(session.customerId(), cancel.messageId()) ? CommandStatus.ESME_ROK
                : CommandStatus.ESME_RCANCELFAIL;
    }

    /**
     * §4.10: new content for a message still queued in Ebb, checked as a submit's would be; once submitted,
     * unknown, or another customer's, §5.1.3 0x13 ESME_RREPLACEFAIL. Empty schedule and validity keep the
     * message's (§4.10.1).
     */
    private int replace(SessionInfo session, Pdu.ReplaceSm replace) {
        Instant now = clock.instant();
        if ((replace.registeredDelivery() & 0x03) == 0x03) {
            return CommandStatus.ESME_RINVREGDLVFLG; // §5.2.17: value 3 of bits 0-1 is reserved
        }
        if (replace.shortMessage().length == 0) {
            return CommandStatus.ESME_RINVMSGLEN; // no content to replace with (canned messages are not offered)
        }
        Instant deliverAt;
        try {
            deliverAt = ValidityPeriod.schedule(replace.scheduleDeliveryTime(), now, content.maxValidity()).orElse(null);
        } catch (InvalidValidityException e) {
            return CommandStatus.ESME_RINVSCHED;
        }
        Instant expiry;
        try {
            expiry = replace.validityPeriod().isEmpty() ? null
                    : ValidityPeriod.expiry(replace.validityPeriod(), now, content.maxValidity());
        } catch (InvalidValidityException e) {
            return CommandStatus.ESME_RINVEXPIRY;
        }
        try {
            return messages.replace(session.customerId(), replace.messageId(), new Replacement(replace.shortMessage(),
                    replace.registeredDelivery(), expiry, deliverAt, content.maxValidity())) ? CommandStatus.ESME_ROK
                    : CommandStatus.ESME_RREPLACEFAIL;
        } catch (InvalidConcatenationException e) {
            return CommandStatus.ESME_RINVESMCLASS; // §5.1.3 0x43: the text does not fit the segment's esm_class UDH
        } catch (InvalidValidityException e) {
            // It would expire before its scheduled delivery, also when that falls beyond the content window of the
            // message's acceptance (its validity ends there).
            return CommandStatus.ESME_RINVEXPIRY;
        }
    }
}
