package dev.ebb.gateway.smpp;

import dev.ebb.gateway.config.ContentConfig;
import dev.ebb.gateway.core.Concatenation;
import dev.ebb.gateway.core.DataCoding;
import dev.ebb.gateway.core.InvalidAddressException;
import dev.ebb.gateway.core.InvalidConcatenationException;
import dev.ebb.gateway.core.InvalidValidityException;
import dev.ebb.gateway.core.MessageIdGenerator;
import dev.ebb.gateway.core.Msisdn;
import dev.ebb.gateway.core.OutboundMessage;
import dev.ebb.gateway.core.SmppAddress;
import dev.ebb.gateway.core.SourceAddress;
import dev.ebb.gateway.core.Submission;
import dev.ebb.gateway.core.UnsupportedDataCodingException;
import dev.ebb.gateway.core.ValidityPeriod;
import dev.ebb.gateway.privacy.PrivacyInterceptor;
import dev.ebb.gateway.receipt.InFlight;
import dev.ebb.gateway.route.Router;
import dev.ebb.metadata.Channel;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a customer's submit_sm into an accepted message: validates it field by field (each failure with
 * the status SMPP names for it), chooses its route, passes it through the {@link PrivacyInterceptor} and
 * only then answers ESME_ROK, after which the router takes it southbound.
 */
public final class SmppIngress implements SubmitSmHandler {
    private static final Logger LOG = LoggerFactory.getLogger(SmppIngress.class);

    private final MessageIdGenerator ids;
    private final Router router;
    private final PrivacyInterceptor privacy;
    private final ContentConfig content;
    private final Clock clock;
    private final IntConsumer outcomes;

    /** @param outcomes told the command_status of every submit (metrics) */
    public SmppIngress(MessageIdGenerator ids, Router router, PrivacyInterceptor privacy, ContentConfig content, Clock clock,
                       IntConsumer outcomes) {
        this.ids = ids;
        this.router = router;
        this.privacy = privacy;
        this.content = content;
        this.clock = clock;
        this.outcomes = outcomes;
    }

    @Override
    public CompletionStage<SubmitOutcome> submit(SessionInfo session, Pdu.SubmitSm submit) {
        SubmitOutcome outcome = accept(session, submit);
        outcomes.accept(outcome.commandStatus());
        return CompletableFuture.completedFuture(outcome);
    }

    private SubmitOutcome accept(SessionInfo session, Pdu.SubmitSm submit) {
        Instant now = clock.instant();
        Msisdn destination;
        Instant expiry;
        try {
            DataCoding.of(submit.dataCoding() & 0xFF);
            destination = Msisdn.fromSmpp(submit.destination().ton(), submit.destination().npi(),
                    submit.destination().value(), Optional.empty());
        } catch (UnsupportedDataCodingException e) {
            return SubmitOutcome.refused(CommandStatus.ESME_RINVDCS);
        } catch (InvalidAddressException e) {
            return SubmitOutcome.refused(CommandStatus.ESME_RINVDSTADR);
        }
        try {
            SourceAddress.fromSmpp(submit.source().ton(), submit.source().npi(), submit.source().value(), Optional.empty());
        } catch (InvalidAddressException e) {
            return SubmitOutcome.refused(CommandStatus.ESME_RINVSRCADR);
        }
        int refusal = checkBody(submit);
        if (refusal != CommandStatus.ESME_ROK) {
            return SubmitOutcome.refused(refusal);
        }
        if (!submit.scheduleDeliveryTime().isEmpty()) {
            // Ebb conveys now or not at all: scheduling would keep content waiting (§5.2.15).
            return SubmitOutcome.refused(CommandStatus.ESME_RINVSCHED);
        }
        try {
            expiry = ValidityPeriod.expiry(submit.validityPeriod(), now, content.maxValidity());
        } catch (InvalidValidityException e) {
            return SubmitOutcome.refused(CommandStatus.ESME_RINVEXPIRY);
        }
        Optional<String> route = router.routeFor(destination);
        if (route.isEmpty()) {
            // No prefix of the routing table covers the number: it cannot be delivered, say so now.
            return SubmitOutcome.refused(CommandStatus.ESME_RINVDSTADR);
        }
        if (router.isCongested(route.get())) {
            // The SMSC is slower than the customer, or down: push back before memory does.
            return SubmitOutcome.refused(CommandStatus.ESME_RMSGQFUL);
        }
        String id = ids.next();
        OutboundMessage message = new OutboundMessage(id, session.customerId(), submit.serviceType(), submit.source(),
                SmppAddress.international(destination.e164()), submit.esmClass(), submit.protocolId(),
                submit.priorityFlag(), submit.registeredDelivery(), submit.dataCoding(), submit.shortMessage(),
                submit.tlv(Tlv.MESSAGE_PAYLOAD).map(Tlv::value).orElse(null), sar(submit), expiry);
        PrivacyInterceptor.Accepted accepted;
        try {
            accepted = privacy.accept(new Submission(message, new Submission.Ingress(Channel.SMPP, session.systemId(),
                    session.clientAddress()), now), route.get());
        } catch (RuntimeException e) {
            LOG.error("message {} of {} not accepted: {}", id, session.customerId(), e.toString());
            return SubmitOutcome.refused(CommandStatus.ESME_RSYSERR);
        }
        router.dispatch(new InFlight(accepted, route.get(), message.source(), message.destination(), message.wantsReceipt()));
        return SubmitOutcome.accepted(id);
    }

    /** The body's own rules: registered_delivery, length, concatenation. */
    private static int checkBody(Pdu.SubmitSm submit) {
        if ((submit.registeredDelivery() & 0x03) == 0x03) {
            return CommandStatus.ESME_RINVREGDLVFLG; // §5.2.17: value 3 of bits 0-1 is reserved
        }
        Optional<Tlv> payload = submit.tlv(Tlv.MESSAGE_PAYLOAD);
        if (payload.isPresent() && submit.shortMessage().length > 0) {
            return CommandStatus.ESME_RINVMSGLEN; // §5.3.2.32: with message_payload, sm_length must be 0
        }
        if (payload.isEmpty() && submit.shortMessage().length == 0) {
            return CommandStatus.ESME_RINVMSGLEN;
        }
        try {
            Concatenation.of(submit.esmClass() & 0xFF, submit.shortMessage(), submit.tlvMap());
        } catch (InvalidConcatenationException e) {
            return submit.tlv(Tlv.SAR_MSG_REF_NUM).isPresent() ? CommandStatus.ESME_RINVOPTPARAMVAL : CommandStatus.ESME_RINVESMCLASS;
        }
        return CommandStatus.ESME_ROK;
    }

    private static OutboundMessage.Sar sar(Pdu.SubmitSm submit) {
        return Concatenation.fromSarTlvs(submit.tlvMap())
                .map(c -> new OutboundMessage.Sar(c.ref(), c.total(), c.seq()))
                .orElse(null);
    }
}
