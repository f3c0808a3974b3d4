package dev.ebb.gateway.receipt;

import dev.ebb.gateway.core.LogLimiter;
import dev.ebb.gateway.core.SmppAddress;
import dev.ebb.gateway.smpp.CustomerSessions;
import dev.ebb.gateway.smpp.NoReceiverBoundException;
import dev.ebb.gateway.smpp.Submitter;
import dev.ebb.gateway.smpp.pdu.CommandStatus;
import dev.ebb.gateway.smpp.pdu.Pdu;
import dev.ebb.gateway.smpp.pdu.Tlv;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Deque;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers receipts to customers as deliver_sm (esm_class 0x04, SMPP 3.4 §5.2.12) with the receipted_message_id and
 * message_state TLVs. Each customer's receipts wait in one bounded backlog in Ebb until the receiver they go to has room
 * ({@link CustomerSessions#tryDeliver(String, Pdu.DeliverSm, Submitter)}: the bind that submitted the message, by
 * default): none bound, all windows full, or a receiver that does not read, they stay here, never as copies queued in
 * a connection. The backlog keeps a queue per submitting bind, so one application's stalled receiver holds back only
 * its own receipts. One that is refused or not answered in time goes back to the backlog after a back-off.
 *
 * <p>At most {@link #DEFAULT_MAX_HELD} receipts of a customer are held in memory (waiting, in a window or backing
 * off); past that one is set aside, counted and logged (at most every 10 s): the oldest waiting one of the submitting
 * bind with the most waiting, so that an application that stopped answering waits for its own receipts, not those of
 * another application sharing its system_id. A receipt set aside stays owed in the {@link ReceiptLedger}'s outbox on
 * disk, which hands it back once the customer's receivers take what is held. A receipt not taken by
 * {@link ReceiptLedger#giveUpAt} is given up.
 */
public final class SmppReceiptSender implements ReceiptSink, MeterBinder {
    /**
     * Receipts held per customer: about 1 KB each (the message's accepted record and addressing), so 10 MB for a
     * customer whose receivers are gone or stalled, a minute of receipts at the customer's usual peak.
     */
    public static final int DEFAULT_MAX_HELD = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(SmppReceiptSender.class);
    private static final long FIRST_RETRY_MS = 1_000;
    private static final long MAX_RETRY_MS = 60_000;
    private static final Duration LOG_INTERVAL = Duration.ofSeconds(10);

    private final CustomerSessions sessions;
    private final ReceiptLedger ledger;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final int maxHeld;
    private final Map<String, Backlog> backlogs = new ConcurrentHashMap<>();
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong setAside = new AtomicLong();

    /** @param ledger told what became of each receipt (taken, given up, set aside) */
    public SmppReceiptSender(CustomerSessions sessions, ReceiptLedger ledger, ScheduledExecutorService scheduler,
                             Clock clock) {
        this(sessions, ledger, scheduler, clock, DEFAULT_MAX_HELD);
    }

    /** @param maxHeld receipts held in memory per customer before further ones are set aside */
    public SmppReceiptSender(CustomerSessions sessions, ReceiptLedger ledger, ScheduledExecutorService scheduler,
                             Clock clock, int maxHeld) {
        this.sessions = sessions;
        this.ledger = ledger;
        this.scheduler = scheduler;
        this.clock = clock;
        this.maxHeld = maxHeld;
        sessions.onReceiverReady(customer -> {
            Backlog backlog = backlogs.get(customer);
            if (backlog != null) {
                drain(backlog);
            }
        });
    }

    @Override
    public void forward(CustomerReceipt receipt) {
        Backlog backlog = backlogs.computeIfAbsent(receipt.message().customerId(), Backlog::new);
        Attempt attempt = new Attempt(receipt, FIRST_RETRY_MS);
        if (backlog.held.incrementAndGet() > maxHeld) {
            // Over the limit: one receipt goes to disk, and if it is a waiting one of another bind, this one takes its
            // place.
            backlog.held.decrementAndGet();
            setAside.incrementAndGet();
            Attempt evicted = backlog.evictFromLongestBut(attempt.submitter());
            CustomerReceipt out = evicted == null ? receipt : evicted.receipt;
            backlog.setAside.count(out.message().messageId());
            ledger.setAside(out);
            if (evicted == null) {
                return;
            }
        }
        backlog.add(attempt);
        drain(backlog);
    }

    public long forwardedCount() {
        return forwarded.get();
    }

    /** Receipts set aside to the outbox because their customer had too many held in memory already (a counter). */
    public long setAsideCount() {
        return setAside.get();
    }

    /**
     * Gives up the waiting receipts past their limit, also of customers with no receiver bound, whose receipts nothing
     * else touches; the gateway calls this on a schedule. A walk of the receipts held.
     */
    public void giveUpExpired() {
        Instant now = clock.instant();
        for (Backlog backlog : backlogs.values()) {
            for (Receipts queue : backlog.ready.values()) {
                queue.removeIf(a -> !now.isBefore(ledger.giveUpAt(a.receipt)), a -> giveUp(backlog, a));
            }
        }
    }

    private void giveUp(Backlog backlog, Attempt attempt) {
        backlog.held.decrementAndGet();
        ledger.givenUp(attempt.receipt);
    }

    /** Receipts held for customers' receivers: waiting for one with room, in a window, or backing off (a gauge). */
    public int waiting() {
        return backlogs.values().stream().mapToInt(b -> b.held.get()).sum();
    }

    /**
     * Hands the customer's waiting receipts to its receivers until none has room. Called from any thread; one
     * caller drains at a time and a call made meanwhile makes it go round once more, so no wake-up is lost.
     */
    private void drain(Backlog backlog) {
        if (backlog.drainers.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        try {
            do {
                for (Map.Entry<Submitter, Receipts> queue : backlog.ready.entrySet()) {
                    drain(backlog, queue.getKey(), queue.getValue());
                    // Atomic with Backlog.add: a receipt added meanwhile keeps its queue.
                    backlog.ready.computeIfPresent(queue.getKey(), (submitter, q) -> q.isEmpty() ? null : q);
                }
                missed = backlog.drainers.addAndGet(-missed);
            } while (missed != 0);
        } catch (RuntimeException | Error e) {
            // Whatever stopped this drain (an InternalError from a full disk surfaces on whichever thread touches
            // mapped memory next) must not leave the customer's backlog owned by nobody: it would never drain again.
            backlog.drainers.set(0);
            LOG.warn("sending receipts to customer {} stopped ({}); trying again in 1 s", backlog.customer,
                    e.getClass().getSimpleName());
            scheduler.schedule(() -> drain(backlog), 1, TimeUnit.SECONDS);
        }
    }

    /** Sends the receipts of one submitting bind, oldest first, until the receiver they go to has no room. */
    private void drain(Backlog backlog, Submitter submitter, Receipts queue) {
        Attempt next;
        while ((next = queue.pollFirst()) != null) {
            if (!clock.instant().isBefore(ledger.giveUpAt(next.receipt))) {
                giveUp(backlog, next);
                continue;
            }
            Optional<CompletionStage<Integer>> sent = sessions.tryDeliver(backlog.customer, deliverSm(next.receipt),
                    submitter);
            if (sent.isEmpty()) {
                queue.putBack(next);
                return;
            }
            Attempt attempt = next;
            sent.get().whenComplete((status, error) -> answered(backlog, attempt, status, error));
        }
    }

    private void answered(Backlog backlog, Attempt attempt, Integer status, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        CustomerReceipt receipt = attempt.receipt;
        if (cause == null && status == CommandStatus.ESME_ROK) {
            backlog.held.decrementAndGet();
            forwarded.incrementAndGet();
            ledger.taken(receipt);
        } else if (cause instanceof NoReceiverBoundException || cause instanceof ClosedChannelException) {
            // The session went away before its answer: another receiver (or the next to bind) takes it.
            backlog.add(attempt);
            drain(backlog);
        } else {
            backlog.notTaken.count(receipt.message().messageId() + ", "
                    + (cause != null ? cause.getClass().getSimpleName() : CommandStatus.name(status)));
            scheduler.schedule(() -> {
                backlog.add(new Attempt(receipt, Math.min(attempt.nextDelayMs * 2, MAX_RETRY_MS)));
                drain(backlog);
            }, attempt.nextDelayMs, TimeUnit.MILLISECONDS);
        }
    }

    /** A receipt and the back-off it waits if this attempt is not taken either. */
    private record Attempt(CustomerReceipt receipt, long nextDelayMs) {
        Submitter submitter() {
            return new Submitter(receipt.message().sessionId(), receipt.message().clientIp());
        }
    }

    /** One customer's receipts, a queue per submitting bind, and the limiters of its log lines. */
    private final class Backlog {
        final String customer;
        final Map<Submitter, Receipts> ready = new ConcurrentHashMap<>();
        final AtomicInteger held = new AtomicInteger();
        final AtomicInteger drainers = new AtomicInteger();
        final LogLimiter notTaken;
        final LogLimiter setAside;

        Backlog(String customer) {
            this.customer = customer;
            notTaken = new LogLimiter(clock, LOG_INTERVAL, scheduler, (events, last) -> LOG.info("{} receipts to"
                    + " customer {} not taken (last: message {}); retrying with back-off up to {} s; logged at most"
                    + " every {} s", events, customer, last, MAX_RETRY_MS / 1000, LOG_INTERVAL.toSeconds()));
            setAside = new LogLimiter(clock, LOG_INTERVAL, scheduler, (events, last) -> LOG.warn("{} receipts to"
                    + " customer {} set aside (last: message {}): {} are held in memory for its receivers already;"
                    + " they wait in the receipt outbox on disk; logged at most every {} s", events, customer, last,
                    maxHeld, LOG_INTERVAL.toSeconds()));
        }

        void add(Attempt attempt) {
            ready.compute(attempt.submitter(), (submitter, queue) -> {
                Receipts q = queue == null ? new Receipts() : queue;
                q.add(attempt);
                return q;
            });
        }

        /**
         * Takes the oldest waiting receipt of the submitting bind with the most waiting, if that is another than
         * {@code own} and has more waiting than it; null otherwise (then the new receipt of {@code own} is the one to go).
         */
        Attempt evictFromLongestBut(Submitter own) {
            Receipts longest = null;
            for (Map.Entry<Submitter, Receipts> queue : ready.entrySet()) {
                if (longest == null || queue.getValue().size() > longest.size()) {
                    longest = queue.getValue();
                }
            }
            Receipts mine = ready.get(own);
            if (longest == null || longest == mine || longest.size() <= (mine == null ? 0 : mine.size())) {
                return null;
            }
            return longest.pollFirst();
        }
    }

    /** One submitting bind's receipts waiting for room, oldest first, with their count (a deque's size is a walk). */
    private static final class Receipts {
        private final Deque<Attempt> attempts = new ConcurrentLinkedDeque<>();
        private final AtomicInteger size = new AtomicInteger();

        void add(Attempt attempt) {
            attempts.addLast(attempt);
            size.incrementAndGet();
        }

        /** A receipt taken by {@link #pollFirst} that its receiver had no room for: first again. */
        void putBack(Attempt attempt) {
            attempts.addFirst(attempt);
            size.incrementAndGet();
        }

        Attempt pollFirst() {
            Attempt first = attempts.pollFirst();
            if (first != null) {
                size.decrementAndGet();
            }
            return first;
        }

        int size() {
            return size.get();
        }

        /** Removes each attempt {@code expired} matches, once, and hands it to {@code removed}. */
        void removeIf(Predicate<Attempt> expired, Consumer<Attempt> removed) {
            for (Attempt a : attempts) {
                if (expired.test(a) && attempts.removeFirstOccurrence(a)) {
                    size.decrementAndGet();
                    removed.accept(a);
                }
            }
        }

        boolean isEmpty() {
            return attempts.isEmpty();
        }
    }

    static Pdu.DeliverSm deliverSm(CustomerReceipt receipt) {
        // The receipt goes from the handset back to the sender: addresses swap (SMPP 3.4 Appendix B).
        SmppAddress from = receipt.message().destination();
        SmppAddress to = receipt.message().source();
        byte[] id = (receipt.message().messageId() + "\0").getBytes(StandardCharsets.US_ASCII);
        // esm_class 0x04: SMSC delivery receipt (§5.2.12); data_coding 0: the SMSC default alphabet.
        return Pdu.DeliverSm.builder().source(from).destination(to).esmClass(0x04)
                .shortMessage(receipt.text().getBytes(StandardCharsets.US_ASCII))
                .tlvs(List.of(new Tlv(Tlv.RECEIPTED_MESSAGE_ID, id),
                        new Tlv(Tlv.MESSAGE_STATE, new byte[] {(byte) receipt.state().code()})))
                .build();
    }

    /** Receipts held for, set aside for and taken by SMPP customers. */
    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("ebb.receipts.waiting.for.bind", this, SmppReceiptSender::waiting)
                .description("receipts of SMPP messages held in memory until a receiver of their customer takes them")
                .register(registry);
        FunctionCounter.builder("ebb.receipts.smpp.set.aside", this, SmppReceiptSender::setAsideCount)
                .description("receipts of SMPP messages moved from memory to the receipt outbox on disk: their"
                        + " customer had too many held already").register(registry);
        FunctionCounter.builder("ebb.receipts.forwarded", this, SmppReceiptSender::forwardedCount).register(registry);
    }
}
