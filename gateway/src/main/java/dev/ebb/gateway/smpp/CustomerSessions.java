package dev.ebb.gateway.smpp;

import dev.ebb.gateway.config.CustomerConfig;
import dev.ebb.gateway.config.ReceiptBinds;
import dev.ebb.gateway.core.BindType;
import dev.ebb.gateway.smpp.pdu.Pdu;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The bound sessions of every customer: bind limits, the shared submit rate, and the way back to the customer for
 * delivery receipts and MO messages over its receiver and transceiver binds: a receipt to the bind that submitted
 * its message where the customer's {@link ReceiptBinds} says so, else round-robin.
 */
public final class CustomerSessions {
    private final Map<String, Account> accounts = new ConcurrentHashMap<>();
    private final AtomicLong sessionIds = new AtomicLong();
    private final List<Consumer<String>> receiverListeners = new CopyOnWriteArrayList<>();
    private final LongSupplier nanoTime;

    public CustomerSessions() {
        this(System::nanoTime);
    }

    CustomerSessions(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /**
     * Sends {@code pdu} to one of the customer's receiving binds that can take it now (round-robin), see
     * {@link #tryDeliver}.
     *
     * @return completes with the deliver_sm_resp command_status; fails with {@link NoReceiverBoundException} when
     *         none is bound, {@link ReceiversBusyException} when none has room, or when the chosen session closes
     *         or does not answer in time
     */
    public CompletionStage<Integer> deliver(String customerId, Pdu.DeliverSm pdu) {
        return tryDeliver(customerId, pdu).orElseGet(() -> CompletableFuture.failedFuture(hasReceiver(customerId)
                ? new ReceiversBusyException(customerId) : new NoReceiverBoundException(customerId)));
    }

    /**
     * Hands {@code pdu} to the next of the customer's receiver and transceiver binds that has room in its outbound
     * window and is writable; empty when none has, and then nothing is queued anywhere: the caller keeps the PDU
     * and tries again when {@link #onReceiverReady} says so.
     */
    public Optional<CompletionStage<Integer>> tryDeliver(String customerId, Pdu.DeliverSm pdu) {
        Account account = accounts.get(customerId);
        return account == null ? Optional.empty() : roundRobin(account, pdu, session -> true);
    }

    /**
     * {@link #tryDeliver(String, Pdu.DeliverSm)} for a receipt of a message {@code submitter} sent. With
     * {@link ReceiptBinds#SUBMITTING_FIRST} it goes to the submitting bind while that is bound as a receiver or
     * transceiver, else to a receiver bound from the submitter's client address (a transmitter's partner), else to any;
     * empty while the bind it prefers has no room, so that one application's receipts never reach another one
     * sharing the system_id only because its own receiver was busy.
     */
    public Optional<CompletionStage<Integer>> tryDeliver(String customerId, Pdu.DeliverSm pdu, Submitter submitter) {
        Account account = accounts.get(customerId);
        if (account == null) {
            return Optional.empty();
        }
        if (account.receiptBinds == ReceiptBinds.SUBMITTING_FIRST) {
            for (SmppSessionHandler session : account.receivers) {
                if (session.sessionId() == submitter.sessionId()) {
                    return session.tryDeliver(pdu);
                }
            }
            InetAddress address = submitter.clientAddress();
            if (address != null && account.receivers.stream().anyMatch(s -> address.equals(s.clientAddress()))) {
                return roundRobin(account, pdu, s -> address.equals(s.clientAddress()));
            }
        }
        return roundRobin(account, pdu, session -> true);
    }

    /** Hands {@code pdu} to the next of the account's receivers that {@code eligible} takes and that has room. */
    private static Optional<CompletionStage<Integer>> roundRobin(Account account, Pdu.DeliverSm pdu,
                                                                 Predicate<SmppSessionHandler> eligible) {
        List<SmppSessionHandler> receivers = account.receivers;
        int start = account.next.getAndIncrement();
        for (int i = 0, size = receivers.size(); i < size; i++) {
            SmppSessionHandler session;
            try {
                session = receivers.get(Math.floorMod(start + i, size));
            } catch (IndexOutOfBoundsException unboundMeanwhile) {
                return roundRobin(account, pdu, eligible);
            }
            Optional<CompletionStage<Integer>> sent = eligible.test(session) ? session.tryDeliver(pdu) : Optional.empty();
            if (sent.isPresent()) {
                return sent;
            }
        }
        return Optional.empty();
    }

    /** A new session's id, unique among all sessions of this registry (never 0, which means "no session"). */
    long nextSessionId() {
        return sessionIds.incrementAndGet();
    }

    public boolean hasReceiver(String customerId) {
        Account account = accounts.get(customerId);
        return account != null && !account.receivers.isEmpty();
    }

    /**
     * Called with the customer id whenever one of its receiver/transceiver binds may take a deliver_sm it could not
     * take before: it bound, a slot of its window came free, or its outbound buffer drained.
     */
    public void onReceiverReady(Consumer<String> listener) {
        receiverListeners.add(listener);
    }

    void receiverReady(String customerId) {
        receiverListeners.forEach(l -> l.accept(customerId));
    }

    public int boundSessions() {
        return accounts.values().stream().mapToInt(a -> a.binds.get()).sum();
    }

    boolean tryBind(CustomerConfig customer) {
        Account account = account(customer);
        if (account.binds.incrementAndGet() > customer.smpp().maxBinds()) {
            account.binds.decrementAndGet();
            return false;
        }
        return true;
    }

    void bound(CustomerConfig customer, SmppSessionHandler session, BindType type) {
        if (type.canReceive()) {
            account(customer).receivers.add(session);
            receiverReady(customer.id());
        }
    }

    void unbound(CustomerConfig customer, SmppSessionHandler session) {
        Account account = account(customer);
        account.receivers.remove(session);
        account.binds.decrementAndGet();
    }

    boolean tryAcquireSubmit(CustomerConfig customer) {
        Account account = account(customer);
        account.asked.incrementAndGet();
        return account.throttle.tryAcquire();
    }

    /**
     * Takes {@code submits} (one per segment) from the customer's rate, which its SMPP binds and HTTP requests share;
     * false when over it.
     */
    public boolean tryAcquireSubmits(CustomerConfig customer, int submits) {
        Account account = account(customer);
        account.asked.addAndGet(submits);
        return account.throttle.tryAcquire(submits);
    }

    /** Submits the customer asked for on this node so far, taken or throttled (a counter: its demand here). */
    public long submitsAsked(CustomerConfig customer) {
        return account(customer).asked.get();
    }

    /**
     * The customer's submits on this node from now on at most {@code perSecond} on average (its share of
     * {@link CustomerConfig#tps} when several nodes take its traffic); above 0.
     */
    public void limitRate(CustomerConfig customer, double perSecond) {
        account(customer).throttle.rate(perSecond);
    }

    /** The customer's receiver and transceiver binds on this node. */
    public int receivers(String customerId) {
        Account account = accounts.get(customerId);
        return account == null ? 0 : account.receivers.size();
    }

    private Account account(CustomerConfig customer) {
        return accounts.computeIfAbsent(customer.id(), id -> new Account(new Throttle(customer.tps(), nanoTime),
                customer.smpp() == null ? ReceiptBinds.ANY : customer.smpp().receiptBinds()));
    }

    private static final class Account {
        final AtomicInteger binds = new AtomicInteger();
        final AtomicInteger next = new AtomicInteger();
        final AtomicLong asked = new AtomicLong();
        final List<SmppSessionHandler> receivers = new CopyOnWriteArrayList<>();
        final Throttle throttle;
        final ReceiptBinds receiptBinds;

        Account(Throttle throttle, ReceiptBinds receiptBinds) {
            this.throttle = throttle;
            this.receiptBinds = receiptBinds;
        }
    }
}
