package dev.ebb.gateway.smpp;

import dev.ebb.gateway.config.AddressingConfig;
import dev.ebb.gateway.config.ContentConfig;
import dev.ebb.gateway.core.Concatenation;
import dev.ebb.gateway.core.ContentRetention;
import dev.ebb.gateway.core.DataCoding;
import dev.ebb.gateway.core.Intake;
import dev.ebb.gateway.core.InvalidConcatenationException;
import dev.ebb.gateway.core.InvalidRetentionException;
import dev.ebb.gateway.core.InvalidValidityException;
import dev.ebb.gateway.core.Originators;
import dev.ebb.gateway.core.OutboundMessage;
import dev.ebb.gateway.core.SmppAddress;
import dev.ebb.gateway.core.Submission;
import dev.ebb.gateway.core.UnsupportedDataCodingException;
import dev.ebb.gateway.core.ValidityPeriod;
import dev.ebb.gateway.smpp.SubmitRefusals.Field;
import dev.ebb.gateway.smpp.SubmitRefusals.Reason;
import dev.ebb.gateway.smpp.SubmitRefusals.Refusal;
import dev.ebb.gateway.smpp.pdu.CommandStatus;
import dev.ebb.gateway.smpp.pdu.Pdu;
import dev.ebb.gateway.smpp.pdu.Tlv;
import dev.ebb.metadata.Channel;
import dev.ebb.metadata.SourceAddress;
import dev.ebb.model.InvalidAddressException;
import dev.ebb.model.Msisdn;
import dev.ebb.model.Numbering;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * Turns a customer's submit_sm or data_sm into an accepted message: validates it field by field (each failure with
 * the status SMPP names for it), then has the {@link Intake} route it and make it durable, and only then
 * answers ESME_ROK (from the group commit's completion in {@code fsync} durability).
 */
public final class SmppIngress implements SubmitSmHandler {
    private static final Addressing DEFAULT_ADDRESSING = Addressing.of(AddressingConfig.DEFAULTS);

    private final Intake admission;
    private final ContentConfig content;
    private final Clock clock;
    private final SubmitMetrics metrics;
    /** Each customer's addressing rules, read once: building them per submit was a few percent of ingest's CPU. */
    private final Map<String, Addressing> addressing;
    private final SubmitRefusals refusals;
    private final Map<String, ContentRetention> retention;

    /**
     * @param addressing how each customer's addresses are read, by customer id (the defaults for one not in it)
     * @param retention  how long the vault keeps each customer's content when a message does not say, by customer id
     *                   (until final for one not in it)
     * @param metrics    told the command_status and answer time of every submit
     * @param refusals   told why each refused submit was refused (log, metrics)
     */
    public SmppIngress(Intake admission, ContentConfig content, Map<String, AddressingConfig> addressing,
                       Map<String, ContentRetention> retention, Clock clock, SubmitMetrics metrics,
                       SubmitRefusals refusals) {
        this.refusals = refusals;
        this.retention = Map.copyOf(retention);
        this.admission = admission;
        this.addressing = addressing.entrySet().stream().collect(Collectors.toUnmodifiableMap(Map.Entry::getKey,
                e -> Addressing.of(e.getValue())));
        this.content = content;
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public CompletionStage<SubmitOutcome> submit(SessionInfo session, Pdu.MessagePdu submit) {
        return accept(session, submit).thenApply(outcome -> {
            metrics.outcome(outcome.commandStatus());
            return outcome;
        });
    }

    @Override
    public void refused(SessionInfo session, Pdu.MessagePdu submit, Refusal refusal) {
        refusals.refused(session, submit, refusal);
    }

    @Override
    public void answered(SessionInfo session, int commandStatus, long nanos) {
        metrics.answered(session, commandStatus, nanos);
    }

    private CompletionStage<SubmitOutcome> accept(SessionInfo session, Pdu.MessagePdu submit) {
        Instant now = clock.instant();
        if (!isAscii(submit.serviceType())) {
            // service_type is a C-Octet String, ASCII (SMPP 3.4 §3.1, §5.2.11): an octet over 0x7F has no agreed
            // encoding, and jSMPP re-encodes it as UTF-8 ('Ç' leaves as "Ã‡", maybe over the field's 5 octets).
            // §5.1.3: 0x15 ESME_RINVSERTYP, invalid service type.
            return refusedNow(session, submit, Refusal.of(CommandStatus.ESME_RINVSERTYP, Reason.SERVICE_TYPE,
                    "service_type outside ASCII (SMPP 3.4 §5.2.11)"));
        }
        Addressing rules = addressing.getOrDefault(session.customerId(), DEFAULT_ADDRESSING);
        Msisdn destination;
        SourceAddress source;
        Instant expiry;
        try {
            DataCoding.of(submit.dataCoding() & 0xFF);
        } catch (UnsupportedDataCodingException e) {
            // SMPP 3.4 §5.1.3 names no status for data_coding (0x104 ESME_RINVDCS is SMPP 5.0's, reserved in 3.4).
            // 0x45 ESME_RSUBMITFAIL, "submit_sm or submit_multi failed", is the permanent refusal of the message
            // itself: ESME_RSYSERR would have clients (Kannel) retry a message that can never pass, and 0xC4
            // ESME_RINVOPTPARAMVAL is for optional parameters, which data_coding is not.
            return refusedNow(session, submit, Refusal.of(CommandStatus.ESME_RSUBMITFAIL, Reason.DATA_CODING,
                    "data_coding " + (submit.dataCoding() & 0xFF) + " is not supported (SMPP 3.4 §5.2.19)"));
        }
        try {
            destination = Msisdn.fromSmpp(Byte.toUnsignedInt(submit.destination().ton()),
                    Byte.toUnsignedInt(submit.destination().npi()), submit.destination().value(), rules.numbering());
        } catch (InvalidAddressException e) {
            // SMPP 3.4 §4.4.1 dest_addr, §5.1.3 0x0B ESME_RINVDSTADR: not a handset number after normalisation
            // (letters, over 15 digits, empty, TON 5, an NPI other than 0/1 per §5.2.6).
            return refusedNow(session, submit, Refusal.address(CommandStatus.ESME_RINVDSTADR, Field.DESTINATION, e.rule(),
                    "dest_addr: " + e.getMessage()));
        }
        try {
            source = Originators.fromSmpp(Byte.toUnsignedInt(submit.source().ton()),
                    Byte.toUnsignedInt(submit.source().npi()), submit.source().value(), rules.numbering(),
                    rules.sender());
        } catch (InvalidAddressException e) {
            // SMPP 3.4 §4.4.1 source_addr, §5.1.3 0x0A ESME_RINVSRCADR: no sender that can be shown (over 11 or
            // non-GSM characters, a reserved NPI per §5.2.6, empty with no defaultSender).
            return refusedNow(session, submit, Refusal.address(CommandStatus.ESME_RINVSRCADR, Field.SOURCE, e.rule(),
                    "source_addr: " + e.getMessage()));
        }
        Refusal refusal = checkBody(submit);
        if (refusal != null) {
            return refusedNow(session, submit, refusal);
        }
        Instant deliverAt;
        try {
            // §4.4.1 schedule_delivery_time, absolute or relative (§7.1.1): Ebb holds the message, content and all,
            // so only within the content window; beyond it, or malformed, §5.1.3 0x61 ESME_RINVSCHED.
            deliverAt = ValidityPeriod.schedule(submit.scheduleDeliveryTime(), now, content.maxValidity()).orElse(null);
        } catch (InvalidValidityException e) {
            return refusedNow(session, submit, Refusal.of(CommandStatus.ESME_RINVSCHED, Reason.SCHEDULED,
                    "schedule_delivery_time malformed or beyond " + content.maxValidity() + " (SMPP 3.4 §7.1.1)"));
        }
        try {
            expiry = ValidityPeriod.expiry(submit.validityPeriod(), now, content.maxValidity());
        } catch (InvalidValidityException e) {
            return refusedNow(session, submit, Refusal.of(CommandStatus.ESME_RINVEXPIRY, Reason.VALIDITY,
                    "validity_period malformed or beyond " + content.maxValidity() + " (SMPP 3.4 §7.1.1)"));
        }
        if (deliverAt != null && !deliverAt.isBefore(expiry)) {
            // It would expire before it is sent: the validity period is what cannot be met (§5.1.3 0x62).
            return refusedNow(session, submit, Refusal.of(CommandStatus.ESME_RINVEXPIRY, Reason.VALIDITY,
                    "validity_period ends before schedule_delivery_time (SMPP 3.4 §4.4.1)"));
        }
        ContentRetention kept;
        try {
            kept = retention(session, submit);
        } catch (InvalidRetentionException e) {
            // SMPP 3.4 §5.1.3: 0xC4 ESME_RINVOPTPARAMVAL for a value Ebb cannot grant, 0xC2 ESME_RINVPARLEN for a
            // length that is neither of the two the parameter has.
            return refusedNow(session, submit, Refusal.of(e.length() ? CommandStatus.ESME_RINVPARLEN
                    : CommandStatus.ESME_RINVOPTPARAMVAL, Reason.CONTENT_RETENTION, e.getMessage()));
        }
        Instant forgetAt = kept.deadline(now);
        if (forgetAt != null && deliverAt != null && !deliverAt.isBefore(forgetAt)) {
            // Its content would be gone before its time to be sent: the retention asked for cannot be met (§5.1.3 0xC4).
            return refusedNow(session, submit, Refusal.of(CommandStatus.ESME_RINVOPTPARAMVAL, Reason.CONTENT_RETENTION,
                    "ebb_content_retention ends before schedule_delivery_time"));
        }
        if (forgetAt != null && forgetAt.isBefore(expiry)) {
            // Not sent once its content must be gone: it then ends EXPIRED, with its receipt.
            expiry = forgetAt;
        }
        Instant validUntil = expiry;
        Msisdn to = destination;
        return admission.admit(destination, new Submission.Ingress(Channel.SMPP,
                session.systemId(), session.clientAddress(), session.sessionId()), now, List.of(id -> OutboundMessage.builder(id,
                session.customerId()).serviceType(submit.serviceType()).source(southbound(source))
                .destination(SmppAddress.international(to.e164())).esmClass(submit.esmClass())
                .protocolId(submit.protocolId()).priority(submit.priorityFlag())
                .registeredDelivery(submit.registeredDelivery()).dataCoding(submit.dataCoding())
                .shortMessage(submit.shortMessage())
                .messagePayload(submit.tlv(Tlv.MESSAGE_PAYLOAD).map(Tlv::value).orElse(null))
                .sar(sar(submit)).expiry(validUntil).deliverAt(deliverAt).contentRetention(kept).build()))
                .thenApply(outcome -> switch (outcome.status()) {
                    case ACCEPTED -> SubmitOutcome.accepted(outcome.messageIds().get(0));
                    // No prefix of the routing table covers the number: it cannot be delivered, say so now.
                    case NO_ROUTE -> refuse(session, submit, Refusal.of(CommandStatus.ESME_RINVDSTADR,
                            Reason.NO_ROUTE, "no route serves " + to.masked()));
                    // The SMSC is slower than the customer, or down: push back before memory does.
                    case CONGESTED -> refuse(session, submit, Refusal.of(CommandStatus.ESME_RMSGQFUL,
                            Reason.QUEUE_FULL, "the route's queue is full"));
                    // A store short of disk space: SMPP 3.4 §5.1.3 has no status for it. 0x14 ESME_RMSGQFUL is the
                    // one clients treat as "the message centre cannot take more now, retry later" (SMPP 5.0 §4.7.6
                    // reads it as a resource limit of the MC; Kannel and Jasmin retry it), while ESME_RSYSERR stays
                    // for a write that failed.
                    case STORES_FULL -> refuse(session, submit, Refusal.of(CommandStatus.ESME_RMSGQFUL,
                            Reason.STORES_FULL, "Ebb's storage is short of space"));
                    case FAILED -> refuse(session, submit, Refusal.of(CommandStatus.ESME_RSYSERR, Reason.NOT_DURABLE,
                            "the message could not be made durable"));
                });
    }

    private CompletionStage<SubmitOutcome> refusedNow(SessionInfo session, Pdu.MessagePdu submit, Refusal refusal) {
        return CompletableFuture.completedFuture(refuse(session, submit, refusal));
    }

    private SubmitOutcome refuse(SessionInfo session, Pdu.MessagePdu submit, Refusal refusal) {
        refusals.refused(session, submit, refusal);
        return SubmitOutcome.refused(refusal.commandStatus());
    }

    /** The normalised sender with the TON/NPI of its kind (§5.2.5, §5.2.6): 1/1, 5/0 or 3/0. */
    private static SmppAddress southbound(SourceAddress source) {
        return new SmppAddress((byte) source.ton(), (byte) source.npi(), source.value());
    }

    private static boolean isAscii(String cOctetString) {
        for (int i = 0; i < cOctetString.length(); i++) {
            if (cOctetString.charAt(i) > 0x7F) {
                return false;
            }
        }
        return true;
    }

    /**
     * The optional parameters Ebb acts on: message_payload, the sar_ triple (passed to the SMSC), and Ebb's own
     * ebb_content_retention (not passed on).
     */
    private static final short[] READ_TLVS = {Tlv.MESSAGE_PAYLOAD, Tlv.SAR_MSG_REF_NUM, Tlv.SAR_TOTAL_SEGMENTS,
            Tlv.SAR_SEGMENT_SEQNUM, ContentRetention.TLV_TAG};

    /** The message's ebb_content_retention, else its customer's {@code contentRetention}. */
    private ContentRetention retention(SessionInfo session, Pdu.MessagePdu submit) {
        Optional<Tlv> asked = submit.tlv(ContentRetention.TLV_TAG);
        return asked.isPresent() ? ContentRetention.fromTlv(asked.get().value())
                : retention.getOrDefault(session.customerId(), ContentRetention.UNTIL_FINAL);
    }

    /** The body's own rules: registered_delivery, optional parameters, length, concatenation. */
    private static Refusal checkBody(Pdu.MessagePdu submit) {
        if ((submit.registeredDelivery() & 0x03) == 0x03) {
            return Refusal.of(CommandStatus.ESME_RINVREGDLVFLG, Reason.REGISTERED_DELIVERY,
                    "registered_delivery 3 is reserved (SMPP 3.4 §5.2.17)");
        }
        // One pass over the optional parameters (a stream per tag was a tenth of the accept path's CPU).
        int[] given = new int[READ_TLVS.length];
        for (Tlv tlv : submit.tlvs()) {
            for (int i = 0; i < READ_TLVS.length; i++) {
                if (tlv.tag() == READ_TLVS[i]) {
                    given[i]++;
                }
            }
        }
        for (int i = 0; i < READ_TLVS.length; i++) {
            if (given[i] > 1) {
                // Given twice it says two things, and which one would be checked, stored or sent is a guess:
                // §5.1.3 0xC0 ESME_RINVOPTPARSTREAM, an error in the optional part of the PDU body.
                return Refusal.of(CommandStatus.ESME_RINVOPTPARSTREAM, Reason.PARAMETER_TWICE,
                        "optional parameter 0x" + Integer.toHexString(READ_TLVS[i] & 0xFFFF) + " given twice");
            }
        }
        Optional<Tlv> payload = submit.tlv(Tlv.MESSAGE_PAYLOAD);
        if (payload.isPresent() && submit.shortMessage().length > 0) {
            return Refusal.of(CommandStatus.ESME_RINVMSGLEN, Reason.MESSAGE_LENGTH,
                    "short_message and message_payload both given (SMPP 3.4 §5.3.2.32)");
        }
        // A message_payload of length 0 is no content either: it would leave as an empty message.
        if (payload.map(Tlv::length).orElse(0) == 0 && submit.shortMessage().length == 0) {
            return Refusal.of(CommandStatus.ESME_RINVMSGLEN, Reason.MESSAGE_LENGTH, "no short_message or message_payload");
        }
        try {
            Concatenation.of(submit.esmClass() & 0xFF, submit.shortMessage(), submit.tlvMap());
        } catch (InvalidConcatenationException e) {
            return Refusal.of(submit.tlv(Tlv.SAR_MSG_REF_NUM).isPresent() ? CommandStatus.ESME_RINVOPTPARAMVAL
                    : CommandStatus.ESME_RINVESMCLASS, Reason.CONCATENATION, "concatenation: " + e.getMessage());
        }
        return null;
    }

    private static OutboundMessage.Sar sar(Pdu.MessagePdu submit) {
        return Concatenation.fromSarTlvs(submit.tlvMap())
                .map(c -> new OutboundMessage.Sar(c.ref(), c.total(), c.seq()))
                .orElse(null);
    }

    /** A customer's {@link AddressingConfig} as its submits are read by. */
    private record Addressing(Numbering numbering, Optional<SourceAddress> sender) {
        static Addressing of(AddressingConfig config) {
            return new Addressing(config.numbering(), config.sender());
        }
    }
}
