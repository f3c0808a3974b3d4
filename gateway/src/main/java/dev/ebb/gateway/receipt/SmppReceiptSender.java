package dev.ebb.gateway.receipt;

import dev.ebb.gateway.core.SmppAddress;
import dev.ebb.gateway.privacy.PrivacyInterceptor;
import dev.ebb.gateway.smpp.CustomerSessions;
import dev.ebb.gateway.smpp.NoReceiverBoundException;
import dev.ebb.gateway.smpp.pdu.CommandStatus;
import dev.ebb.gateway.smpp.pdu.Pdu;
import dev.ebb.gateway.smpp.pdu.Tlv;
import dev.ebb.metadata.EventType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers receipts to customers as deliver_sm (esm_class 0x04, SMPP 3.4 §5.2.12) with the
 * receipted_message_id and message_state TLVs. A receipt for a customer with no receiver bound waits for
 * one to bind; one that is refused or times out is retried with back-off.
 */
public final class SmppReceiptSender implements ReceiptSink {
    private static final Logger LOG = LoggerFactory.getLogger(SmppReceiptSender.class);
    private static final long FIRST_RETRY_MS = 1_000;
    private static final long MAX_RETRY_MS = 60_000;

    private final CustomerSessions sessions;
    private final PrivacyInterceptor privacy;
    private final ScheduledExecutorService scheduler;
    private final Map<String, Queue<CustomerReceipt>> waitingForBind = new ConcurrentHashMap<>();
    private final AtomicLong forwarded = new AtomicLong();

    public SmppReceiptSender(CustomerSessions sessions, PrivacyInterceptor privacy, ScheduledExecutorService scheduler) {
        this.sessions = sessions;
        this.privacy = privacy;
        this.scheduler = scheduler;
        sessions.onReceiverBound(this::flush);
    }

    @Override
    public void forward(CustomerReceipt receipt) {
        attempt(receipt, FIRST_RETRY_MS);
    }

    public long forwardedCount() {
        return forwarded.get();
    }

    /** Receipts held until one of their customer's receivers binds. */
    public int waiting() {
        return waitingForBind.values().stream().mapToInt(Queue::size).sum();
    }

    private void attempt(CustomerReceipt receipt, long nextDelayMs) {
        String customer = receipt.message().customerId();
        sessions.deliver(customer, deliverSm(receipt)).whenComplete((status, error) -> {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause == null && status == CommandStatus.ESME_ROK) {
                forwarded.incrementAndGet();
                privacy.record(receipt.message().record(), EventType.RECEIPT_FORWARDED, null, 0, 0);
            } else if (cause instanceof NoReceiverBoundException) {
                waitingForBind.computeIfAbsent(customer, c -> new ConcurrentLinkedQueue<>()).add(receipt);
                if (sessions.hasReceiver(customer)) {
                    flush(customer); // a receiver bound between the attempt and the queueing
                }
            } else {
                LOG.info("receipt for message {} to customer {} not taken ({}); retrying in {} ms", receipt.message().messageId(),
                        customer, cause != null ? cause.toString() : CommandStatus.name(status), nextDelayMs);
                scheduler.schedule(() -> attempt(receipt, Math.min(nextDelayMs * 2, MAX_RETRY_MS)), nextDelayMs,
                        TimeUnit.MILLISECONDS);
            }
        });
    }

    private void flush(String customer) {
        Queue<CustomerReceipt> queue = waitingForBind.get(customer);
        CustomerReceipt next;
        while (queue != null && (next = queue.poll()) != null) {
            attempt(next, FIRST_RETRY_MS);
        }
    }

    static Pdu.DeliverSm deliverSm(CustomerReceipt receipt) {
        // The receipt goes from the handset back to the sender: addresses swap (SMPP 3.4 Appendix B).
        SmppAddress from = receipt.message().destination();
        SmppAddress to = receipt.message().source();
        byte[] id = (receipt.message().messageId() + "\0").getBytes(StandardCharsets.US_ASCII);
        return Pdu.DeliverSm.of(0, from, to, (byte) 0x04, (byte) 0x00, receipt.text().getBytes(StandardCharsets.US_ASCII),
                List.of(new Tlv(Tlv.RECEIPTED_MESSAGE_ID, id), new Tlv(Tlv.MESSAGE_STATE, new byte[] {(byte) receipt.state().code()})));
    }
}
