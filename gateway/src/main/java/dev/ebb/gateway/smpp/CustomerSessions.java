package dev.ebb.gateway.smpp;

import dev.ebb.gateway.config.CustomerConfig;
import dev.ebb.gateway.core.BindType;
import dev.ebb.gateway.smpp.pdu.Pdu;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The bound sessions of every customer: bind limits, the shared submit rate, and the way back to the
 * customer for delivery receipts (round-robin over its receiver and transceiver binds).
 */
public final class CustomerSessions {
    private final Map<String, Account> accounts = new ConcurrentHashMap<>();
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
        if (account == null) {
            return Optional.empty();
        }
        List<SmppSessionHandler> receivers = account.receivers;
        int start = account.next.getAndIncrement();
        for (int i = 0, size = receivers.size(); i < size; i++) {
            SmppSessionHandler session;
            try {
                session = receivers.get(Math.floorMod(start + i, size));
            } catch (IndexOutOfBoundsException unboundMeanwhile) {
                return tryDeliver(customerId, pdu);
            }
            Optional<CompletionStage<Integer>> sent = session.tryDeliver(pdu);
            if (sent.isPresent()) {
                return sent;
            }
        }
        return Optional.empty();
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
        return account(customer).throttle.tryAcquire();
    }

    /**
     * Takes {@code submits} (one per segment) from the customer's rate, which its SMPP binds and HTTP requests share;
     * false when over it.
     */
    public boolean tryAcquireSubmits(CustomerConfig customer, int submits) {
        return account(customer).throttle.tryAcquire(submits);
    }

    private Account account(CustomerConfig customer) {
        return accounts.computeIfAbsent(customer.id(), id -> new Account(new Throttle(customer.tps(), nanoTime)));
    }

    private static final class Account {
        final AtomicInteger binds = new AtomicInteger();
        final AtomicInteger next = new AtomicInteger();
        final List<SmppSessionHandler> receivers = new CopyOnWriteArrayList<>();
        final Throttle throttle;

        Account(Throttle throttle) {
            this.throttle = throttle;
        }
    }
}
