package dev.ebb.gateway.smpp;

import dev.ebb.gateway.config.ContentConfig;
import dev.ebb.gateway.core.Concatenation;
import dev.ebb.gateway.core.DataCoding;
import dev.ebb.gateway.core.Intake;
import dev.ebb.gateway.core.InvalidConcatenationException;
import dev.ebb.gateway.core.InvalidValidityException;
import dev.ebb.gateway.core.Originators;
import dev.ebb.gateway.core.OutboundMessage;
import dev.ebb.gateway.core.SmppAddress;
import dev.ebb.gateway.core.Submission;
import dev.ebb.gateway.core.UnsupportedDataCodingException;
import dev.ebb.gateway.core.ValidityPeriod;
import dev.ebb.gateway.smpp.pdu.CommandStatus;
import dev.ebb.gateway.smpp.pdu.Pdu;
import dev.ebb.gateway.smpp.pdu.Tlv;
import dev.ebb.metadata.Channel;
import dev.ebb.model.InvalidAddressException;
import dev.ebb.model.Msisdn;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.IntConsumer;

/**
 * Turns a customer's submit_sm or data_sm into an accepted message: validates it field by field (each failure with
 * the status SMPP names for it), then has the {@link Intake} route it and make it durable, and only then
 * answers ESME_ROK.
 */
public final class SmppIngress implements SubmitSmHandler {

    private final Intake admission;
    private final ContentConfig content;
    private final Clock clock;
    private final IntConsumer outcomes;

    /** @param outcomes told the command_status of every submit (metrics) */
    public SmppIngress(Intake admission, ContentConfig content, Clock clock, IntConsumer outcomes) {
        this.admission = admission;
        this.content = content;
        this.clock = clock;
        this.outcomes = outcomes;
    }

    @Override
    public CompletionStage<SubmitOutcome> submit(SessionInfo session, Pdu.MessagePdu submit) {
        SubmitOutcome outcome = accept(session, submit);
        outcomes.accept(outcome.commandStatus());
        return CompletableFuture.completedFuture(outcome);
    }

    private SubmitOutcome accept(SessionInfo session, Pdu.MessagePdu submit) {
        Instant now = clock.instant();
        if (!isAscii(submit.serviceType())) {
            // service_type is a C-Octet String, ASCII (SMPP 3.4 §3.1, §5.2.11): an octet over 0x7F has no agreed
            // encoding, and jSMPP re-encodes it as UTF-8 ('Ç' leaves as "Ã‡", maybe over the field's 5 octets).
            // §5.1.3: 0x15 ESME_RINVSERTYP, invalid service type.
            return SubmitOutcome.refused(CommandStatus.ESME_RINVSERTYP);
        }
        Msisdn destination;
        Instant expiry;
        try {
            DataCoding.of(submit.dataCoding() & 0xFF);
            destination = Msisdn.fromSmpp(Byte.toUnsignedInt(submit.destination().ton()),
                    Byte.toUnsignedInt(submit.destination().npi()),
                    submit.destination().value(), Optional.empty());
        } catch (UnsupportedDataCodingException e) {
            // SMPP 3.4 §5.1.3 names no status for data_coding (0x104 ESME_RINVDCS is SMPP 5.0's, reserved in 3.4).
            // 0x45 ESME_RSUBMITFAIL, "submit_sm or submit_multi failed", is the permanent refusal of the message
            // itself: ESME_RSYSERR would have clients (Kannel) retry a message that can never pass, and 0xC4
            // ESME_RINVOPTPARAMVAL is for optional parameters, which data_coding is not.
            return SubmitOutcome.refused(CommandStatus.ESME_RSUBMITFAIL);
        } catch (InvalidAddressException e) {
            return SubmitOutcome.refused(CommandStatus.ESME_RINVDSTADR);
        }
        try {
            Originators.fromSmpp(Byte.toUnsignedInt(submit.source().ton()), Byte.toUnsignedInt(submit.source().npi()),
                    submit.source().value(), Optional.empty());
        } catch (InvalidAddressException e) {
            return SubmitOutcome.refused(CommandStatus.ESME_RINVSRCADR);
        }
        int refusal = checkBody(submit);
        if (refusal != CommandStatus.ESME_ROK) {
            return SubmitOutcome.refused(refusal);
        }
        Instant deliverAt;
        try {
            // §4.4.1 schedule_delivery_time, absolute or relative (§7.1.1): Ebb holds the message, content and all,
            // so only within the content window; beyond it, or malformed, §5.1.3 0x61 ESME_RINVSCHED.
            deliverAt = ValidityPeriod.schedule(submit.scheduleDeliveryTime(), now, content.maxValidity()).orElse(null);
        } catch (InvalidValidityException e) {
            return SubmitOutcome.refused(CommandStatus.ESME_RINVSCHED);
        }
        try {
            expiry = ValidityPeriod.expiry(submit.validityPeriod(), now, content.maxValidity());
        } catch (InvalidValidityException e) {
            return SubmitOutcome.refused(CommandStatus.ESME_RINVEXPIRY);
        }
        if (deliverAt != null && !deliverAt.isBefore(expiry)) {
            // It would expire before it is sent: the validity period is what cannot be met (§5.1.3 0x62).
            return SubmitOutcome.refused(CommandStatus.ESME_RINVEXPIRY);
        }
        Msisdn to = destination;
        Intake.Outcome outcome = admission.admit(destination, new Submission.Ingress(Channel.SMPP,
                session.systemId(), session.clientAddress()), now, List.of(id -> OutboundMessage.builder(id,
                session.customerId()).serviceType(submit.serviceType()).source(submit.source())
                .destination(SmppAddress.international(to.e164())).esmClass(submit.esmClass())
                .protocolId(submit.protocolId()).priority(submit.priorityFlag())
                .registeredDelivery(submit.registeredDelivery()).dataCoding(submit.dataCoding())
                .shortMessage(submit.shortMessage())
                .messagePayload(submit.tlv(Tlv.MESSAGE_PAYLOAD).map(Tlv::value).orElse(null))
                .sar(sar(submit)).expiry(expiry).deliverAt(deliverAt).build()));
        return switch (outcome.status()) {
            case ACCEPTED -> SubmitOutcome.accepted(outcome.messageIds().get(0));
            // No prefix of the routing table covers the number: it cannot be delivered, say so now.
            case NO_ROUTE -> SubmitOutcome.refused(CommandStatus.ESME_RINVDSTADR);
            // The SMSC is slower than the customer, or down: push back before memory does.
            case CONGESTED -> SubmitOutcome.refused(CommandStatus.ESME_RMSGQFUL);
            // A store short of disk space: SMPP 3.4 §5.1.3 has no status for it. 0x14 ESME_RMSGQFUL is the one
            // clients treat as "the message centre cannot take more now, retry later" (SMPP 5.0 §4.7.6 reads it as a
            // resource limit of the MC; Kannel and Jasmin retry it), while ESME_RSYSERR stays for a write that failed.
            case STORES_FULL -> SubmitOutcome.refused(CommandStatus.ESME_RMSGQFUL);
            case FAILED -> SubmitOutcome.refused(CommandStatus.ESME_RSYSERR);
        };
    }

    private static boolean isAscii(String cOctetString) {
        return cOctetString.chars().allMatch(c -> c <= 0x7F);
    }

    /** The optional parameters Ebb acts on (and passes to the SMSC): message_payload, the sar_ triple. */
    private static final List<Short> READ_TLVS = List.of(Tlv.MESSAGE_PAYLOAD, Tlv.SAR_MSG_REF_NUM,
            Tlv.SAR_TOTAL_SEGMENTS, Tlv.SAR_SEGMENT_SEQNUM);

    /** The body's own rules: registered_delivery, optional parameters, length, concatenation. */
    private static int checkBody(Pdu.MessagePdu submit) {
        if ((submit.registeredDelivery() & 0x03) == 0x03) {
            return CommandStatus.ESME_RINVREGDLVFLG; // §5.2.17: value 3 of bits 0-1 is reserved
        }
        for (short tag : READ_TLVS) {
            if (submit.tlvs().stream().filter(t -> t.tag() == tag).count() > 1) {
                // Given twice it says two things, and which one would be checked, stored or sent is a guess:
                // §5.1.3 0xC0 ESME_RINVOPTPARSTREAM, an error in the optional part of the PDU body.
                return CommandStatus.ESME_RINVOPTPARSTREAM;
            }
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

    private static OutboundMessage.Sar sar(Pdu.MessagePdu submit) {
        return Concatenation.fromSarTlvs(submit.tlvMap())
                .map(c -> new OutboundMessage.Sar(c.ref(), c.total(), c.seq()))
                .orElse(null);
    }
}
