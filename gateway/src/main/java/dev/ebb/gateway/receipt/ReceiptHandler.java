package dev.ebb.gateway.receipt;

import dev.ebb.gateway.core.DeliverSmListener;
import dev.ebb.gateway.core.InboundDeliverSm;
import dev.ebb.gateway.core.Latency;
import dev.ebb.gateway.core.MeterTable;
import dev.ebb.gateway.core.MessageState;
import dev.ebb.gateway.privacy.PrivacyInterceptor;
import dev.ebb.gateway.route.DispatchResults;
import dev.ebb.gateway.route.InFlight;
import dev.ebb.gateway.smpp.pdu.DeliveryReceipt;
import dev.ebb.gateway.smpp.pdu.InvalidReceiptException;
import dev.ebb.gateway.smpp.pdu.CommandStatus;
import dev.ebb.metadata.EventType;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends each message's life: pairs SMSC receipts with submitted messages, writes the final traffic record,
 * strips the content early (unless the customer keeps it to the 72 h limit) and hands the customer's
 * receipt to the {@link ReceiptSink}.
 */
public final class ReceiptHandler implements DeliverSmListener, DispatchResults, MeterBinder {
    private static final Logger LOG = LoggerFactory.getLogger(ReceiptHandler.class);
    /** An SMSC that sends a receipt before its submit_sm_resp is processed is answered within this. */
    private static final Duration EARLY_RECEIPT_HOLD = Duration.ofMinutes(10);

    private final PrivacyInterceptor privacy;
    private final ReceiptOutbox outbox;
    private final ReceiptSink sink;
    private final Predicate<String> keepsContent;
    private final Clock clock;
    private final DlrMatcher<InFlight, Incoming> matcher;
    /** Where receipts no message of this node matches go on; null when Ebb runs alone (they are held here). */
    private volatile Unmatched unmatched;
    private final AtomicLong unreadable = new AtomicLong();
    private final AtomicLong notRecorded = new AtomicLong();
    /** True from a receipt refused because its record could not be stored until one is taken again. */
    private final AtomicBoolean refusing = new AtomicBoolean();
    /** ebb_delivery_seconds by connector and final state; made once {@link #bindTo} gave the registry. */
    private volatile MeterTable<String, MessageState, Timer> deliveries;

    /**
     * @param outbox       keeps each receipt on disk until its customer has it
     * @param keepsContent customers that keep content of finished messages until the 72 h limit
     */
    public ReceiptHandler(PrivacyInterceptor privacy, ReceiptOutbox outbox, ReceiptSink sink,
                          Predicate<String> keepsContent, Clock clock) {
        this.privacy = privacy;
        this.outbox = outbox;
        this.sink = sink;
        this.keepsContent = keepsContent;
        this.clock = clock;
        this.matcher = new DlrMatcher<>(this::onMatch, clock, EARLY_RECEIPT_HOLD, DlrMatcher.DEFAULT_MAX_HELD,
                evicted -> LOG.warn("{} delivery receipts for unknown SMSC ids given up early: more than {} were held"
                        + " waiting for their submit_sm_resp", evicted, DlrMatcher.DEFAULT_MAX_HELD),
                incoming -> incoming.settle(false));
    }

    /**
     * Where a receipt goes that matches no message of this node (cluster mode: to every node through Kafka, where the
     * one that submitted its message matches it).
     */
    @FunctionalInterface
    public interface Unmatched {
        /** Completes once the receipt is safe elsewhere; fails when it could not be handed over (the SMSC retries). */
        CompletionStage<Void> handOver(String connector, List<String> smscIds, DeliveryReceipt receipt);
    }

    /** Told once what became of a receipt handed in by {@link #remote}: matched here (its final record written), or not. */
    @FunctionalInterface
    public interface Settled {
        void settled(boolean matched);
    }

    /** A receipt as the matcher holds it: with whom to tell when it came from another node, else null. */
    private record Incoming(DeliveryReceipt receipt, Settled remote) {
        void settle(boolean matched) {
            if (remote != null) {
                remote.settled(matched);
            }
        }
    }

    /**
     * From now on receipts that match no message of this node go to {@code unmatched} at once instead of being held
     * here (the wiring calls this before the connectors start).
     */
    public void handUnmatchedTo(Unmatched unmatched) {
        this.unmatched = unmatched;
    }

    /**
     * A receipt another node's SMSC bind took and handed on ({@link Unmatched}): matched here if its message is this
     * node's, else held for {@code holdFor} (a submit_sm_resp in flight here may still name it) and then let go
     * without a word, as most such receipts are other nodes'. {@code settled} is told either way, once.
     *
     * @throws RuntimeException when it matched but its final record could not be stored: the message waits for it
     *                          again, and the caller hands it in again later
     */
    public void remote(String connector, List<String> smscIds, DeliveryReceipt receipt, Duration holdFor,
                       Settled settled) {
        matcher.receipt(connector, smscIds, new Incoming(receipt, settled), holdFor);
    }

    /**
     * The SMSC took the message as {@code smscId} (ESME_ROK); its receipt will end it. A message whose customer asked
     * for its content to go once submitted loses it now.
     */
    @Override
    public void submitted(InFlight message, String connector, String smscId) {
        try {
            privacy.record(message.recordBuilder(), EventType.SUBMITTED, smscId, 0, 0);
        } catch (RuntimeException | InternalError e) {
            // The SMSC has the message all the same: its receipt must find it (and is refused until its record can
            // be stored), else the message would end in silence.
            LOG.warn("the SUBMITTED record of message {} could not be stored; waiting for its receipt anyway: {}",
                    message.messageId(), e.toString());
        }
        matcher.submitted(connector, smscId, message);
        if (message.contentUntilSubmitted()) {
            try {
                privacy.submitted(message.handle());
            } catch (RuntimeException e) {
                // Its receipt (or its bucket's expiry) strips it then.
                LOG.error("the content of message {} could not be stripped once submitted: {}", message.messageId(),
                        e.toString());
            }
        }
    }

    /**
     * After a restart: the message is at the SMSC of {@code connector} as {@code smscId} (its SUBMITTED record says so)
     * and its content is gone (until-submitted), so it is not sent again; its receipt will end it.
     */
    public void awaitReceipt(InFlight message, String connector, String smscId) {
        matcher.submitted(connector, smscId, message);
    }

    /**
     * Ends a message: by its SMSC receipt, or without one (expired in the queue, refused by the SMSC, content gone,
     * cancelled). The customer's receipt is owed in the outbox before the final record is written, so a crash between
     * the two leaves a receipt owed (and the message, not final, sent again), never a final state without its
     * receipt.
     */
    @Override
    public void finish(InFlight message, MessageState state, String smscId, int commandStatus, int errorCode) {
        CustomerReceipt receipt = message.receiptWanted()
                ? outbox.owe(new CustomerReceipt(message, state, errorCode, clock.instant())) : null;
        try {
            privacy.record(message.recordBuilder(), eventFor(state), smscId, commandStatus, errorCode);
        } catch (RuntimeException | InternalError e) {
            if (receipt != null) {
                try {
                    outbox.cancel(receipt);
                } catch (RuntimeException cancelFailed) {
                    e.addSuppressed(cancelFailed);
                }
            }
            throw e;
        }
        MeterTable<String, MessageState, Timer> times = deliveries;
        if (times != null) {
            // The injected clock on both ends: a message accepted before a restart is timed from its acceptance.
            times.get(message.route(), state).record(Math.max(0, clock.millis() - message.acceptedAtMillis()),
                    TimeUnit.MILLISECONDS);
        }
        privacy.finished(message.handle(), keepsContent.test(message.customerId()));
        if (receipt != null) {
            sink.forward(receipt);
        }
    }

    /**
     * Takes an SMSC delivery receipt (mobile-originated messages go to the MO router). Answered 0, also for an
     * unreadable or intermediate receipt, which would read no better if the SMSC sent it again; but a receipt whose
     * final record cannot be stored (a full disk stops the metadata writer) is answered ESME_RX_T_APPN, so the SMSC
     * sends it again, and the message waits for it meanwhile.
     */
    @Override
    public int onDeliverSm(InboundDeliverSm deliverSm) {
        DeliveryReceipt receipt = finalReceipt(deliverSm);
        return receipt == null ? 0 : taken(() -> matcher.receipt(deliverSm.connector(), smscIds(deliverSm, receipt),
                new Incoming(receipt, null)));
    }

    /**
     * {@link #onDeliverSm}, but a receipt that matches no message of this node goes to the {@link Unmatched} given,
     * and its deliver_sm_resp waits until that has it.
     */
    @Override
    public CompletionStage<Integer> take(InboundDeliverSm deliverSm) {
        Unmatched away = unmatched;
        if (away == null) {
            return CompletableFuture.completedFuture(onDeliverSm(deliverSm));
        }
        DeliveryReceipt receipt = finalReceipt(deliverSm);
        if (receipt == null) {
            return CompletableFuture.completedFuture(0);
        }
        List<String> ids = smscIds(deliverSm, receipt);
        boolean[] matched = {false};
        int status = taken(() -> matched[0] = matcher.tryMatch(deliverSm.connector(), ids, new Incoming(receipt, null)));
        if (status != 0 || matched[0]) {
            return CompletableFuture.completedFuture(status);
        }
        // SMPP 3.4 §5.1.3 ESME_RX_T_APPN when it could not be handed on: the SMSC keeps the receipt and retries.
        return away.handOver(deliverSm.connector(), ids, receipt)
                .handle((handed, failed) -> failed == null ? 0 : CommandStatus.ESME_RX_T_APPN);
    }

    /** The receipt in {@code deliverSm} when it is readable and final, else null (answered 0 all the same). */
    private DeliveryReceipt finalReceipt(InboundDeliverSm deliverSm) {
        DeliveryReceipt receipt;
        try {
            receipt = DeliveryReceipt.parse(new String(deliverSm.shortMessage(), StandardCharsets.ISO_8859_1));
        } catch (RuntimeException e) {
            unreadable.incrementAndGet();
            // Only Ebb's own parse messages name fields; another exception's could quote the receipt's text.
            LOG.warn("unreadable delivery receipt from connector {}: {}", deliverSm.connector(),
                    e instanceof InvalidReceiptException ? e.getMessage() : e.getClass().getSimpleName());
            return null;
        }
        return receipt.state().isFinal() ? receipt : null;
    }

    private static List<String> smscIds(InboundDeliverSm deliverSm, DeliveryReceipt receipt) {
        List<String> ids = new ArrayList<>();
        if (deliverSm.receiptedMessageId() != null) {
            // receipted_message_id (SMPP 3.4 §5.3.2.12) is the SMSC's own field for it: more reliable than the text.
            ids.add(deliverSm.receiptedMessageId());
        }
        ids.addAll(receipt.idCandidates());
        return ids;
    }

    /** Runs a match; 0, or ESME_RX_T_APPN when its final record could not be stored. */
    private int taken(Runnable match) {
        try {
            match.run();
        } catch (RuntimeException | InternalError e) {
            // SMPP 3.4 §5.1.3 ESME_RX_T_APPN, "ESME receiver temporary app error": the SMSC keeps the receipt and
            // retries. Logged once per outage: the SMSC retries every receipt, often several times a second.
            long refused = notRecorded.incrementAndGet();
            if (refusing.compareAndSet(false, true)) {
                LOG.warn("delivery receipts are refused with ESME_RX_T_APPN for the SMSCs to send again, as their "
                        + "records cannot be stored: {}", e.toString());
            } else {
                LOG.debug("delivery receipt refused for a retry ({} so far)", refused);
            }
            return CommandStatus.ESME_RX_T_APPN;
        }
        if (refusing.get() && refusing.compareAndSet(true, false)) {
            LOG.info("delivery receipts are taken again ({} refused for a retry so far)", notRecorded.get());
        }
        return 0;
    }

    /** Gives up early receipts held too long; the gateway calls this on a schedule. */
    public int expireUnmatched() {
        return matcher.expireHeld(r -> {
            if (r.remote() == null) {
                LOG.warn("delivery receipt for unknown SMSC id {} given up", r.receipt().id());
            } else {
                r.settle(false); // another node's, most likely: no word
            }
        });
    }

    public int awaitingReceipt() {
        return matcher.awaitingReceipt();
    }

    public long unreadableReceipts() {
        return unreadable.get();
    }

    private void onMatch(InFlight message, Incoming incoming) {
        DeliveryReceipt receipt = incoming.receipt();
        finish(message, receipt.state(), receipt.id(), 0, receipt.errorCode());
        incoming.settle(true);
    }

    private static EventType eventFor(MessageState state) {
        return switch (state) {
            case DELIVERED -> EventType.DELIVERED;
            case EXPIRED -> EventType.EXPIRED;
            // SMPP 3.4 §5.2.28 DELETED: the customer cancelled it (cancel_sm) before it left Ebb.
            case DELETED -> EventType.CANCELLED;
            default -> EventType.UNDELIVERABLE;
        };
    }

    /**
     * Messages at their SMSC, waiting for its receipt; {@code ebb_delivery_seconds{connector,state}}, from acceptance
     * to the final state (an SMSC's receipt, or Ebb ending it: expired, refused, cancelled).
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("ebb.receipts.awaiting", this, ReceiptHandler::awaitingReceipt).register(registry);
        deliveries = new MeterTable<>((connector, state) -> Latency.timer("ebb.delivery",
                        "time from a message accepted to its final state, by connector and state")
                .tags("connector", connector, "state", state.name()).register(registry));
    }
}
