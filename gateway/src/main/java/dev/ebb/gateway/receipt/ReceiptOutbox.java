package dev.ebb.gateway.receipt;

import dev.ebb.gateway.config.ContentConfig;
import dev.ebb.gateway.config.ReceiptsConfig;
import dev.ebb.gateway.core.LogLimiter;
import dev.ebb.gateway.privacy.ContentVault;
import dev.ebb.gateway.privacy.KeyRing;
import dev.ebb.gateway.privacy.PrivacyInterceptor;
import dev.ebb.gateway.privacy.VaultHandle;
import dev.ebb.metadata.EventType;
import dev.ebb.metadata.FileSync;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receipts Ebb owes its customers, on disk until each is taken or given up, so that neither a crash nor a customer
 * that stays away for hours loses one (issue 13). A receipt is written here before its message's final traffic record
 * and before any sink sees it; it leaves when the customer took it (RECEIPT_FORWARDED), or {@code receipts.retryFor}
 * after the final state (RECEIPT_DROPPED, counted). A receipt is therefore forwarded at least once: one the customer
 * took just before a crash, before its entry was let go, is offered again after the restart with the same message id
 * (receipted_message_id), recorded as RECEIPT_RESENT and counted; at most the receipts in flight at the crash are.
 *
 * <p>Each entry holds the message's ACCEPTED record and final state ({@link OutboxEntry}), never content, sealed like
 * content in a {@link ContentVault} of its own: AES-256-GCM under a key per customer and hour, in its own key ring,
 * so a copied data directory shows no number here either; buckets die whole at 72 h, after every entry in them was
 * given up ({@link ReceiptsConfig#MAX_RETRY_FOR}). An entry leaves by a tombstone written in place.
 *
 * <p>In memory the outbox keeps only which entries a sink holds. Entries no sink holds (those of an earlier run, and
 * those a sink {@linkplain #setAside set aside}) are handed to the sinks by a sweep, one customer at a time and at
 * most {@code window} of a customer held at once, from a cursor, so a restart with millions owed neither reads them
 * all into the heap nor looks each up in the metadata store; the customer taking receipts makes room for the next.
 */
public final class ReceiptOutbox implements ReceiptLedger, MeterBinder, AutoCloseable {
    /** Entries of one customer a sweep keeps handed to the sinks at most, unless the wiring says fewer. */
    public static final int DEFAULT_WINDOW = 5_000;
    /** The outbox's key buckets: an hour, destroyed whole at 72 h like content's. */
    private static final Duration BUCKET = Duration.ofHours(1);
    /**
     * A sweep leaves alone an entry of this run younger than this: it may have just been written and not yet be
     * marked as held by the thread that wrote it, which hands it to its sink itself.
     */
    public static final Duration SETTLE = Duration.ofSeconds(10);
    private static final Duration LOG_INTERVAL = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(ReceiptOutbox.class);

    private final ContentVault vault;
    private final PrivacyInterceptor privacy;
    private final Clock clock;
    private final Duration retryFor;
    private final ToIntFunction<String> window;
    /** Entries with a done time before this were written by an earlier run. */
    private final Instant openedAt;
    private final Map<String, Owed> customers = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper;
    private final AtomicBoolean sweepAsked = new AtomicBoolean();
    private final AtomicLong resent = new AtomicLong();
    private final AtomicLong givenUp = new AtomicLong();
    private final AtomicLong setAside = new AtomicLong();
    private final LogLimiter givenUpLog;
    private volatile ReceiptSink sink;

    private ReceiptOutbox(ContentVault vault, PrivacyInterceptor privacy, ReceiptsConfig config,
                          ToIntFunction<String> window, Clock clock) {
        this.vault = vault;
        this.privacy = privacy;
        this.clock = clock;
        this.retryFor = config.retryFor();
        this.window = window;
        this.openedAt = clock.instant();
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ebb-receipt-outbox");
            t.setDaemon(true);
            return t;
        });
        this.givenUpLog = new LogLimiter(clock, LOG_INTERVAL, sweeper, (events, last) -> LOG.warn("{} receipts given"
                + " up, not taken within {} of their final state (last: message {}); each has a RECEIPT_DROPPED"
                + " record; logged at most every {} s", events, retryFor, last, LOG_INTERVAL.toSeconds()));
        // Whatever is on disk at the start is owed by an earlier run: no sink holds it.
        vault.customers().forEach(c -> owed(c).unheld = true);
    }

    /**
     * Opens (or creates) the vault an outbox keeps its entries in: {@code dir}, its keys in {@code keys}, each write
     * forced through {@code sync} when the group commit asks (so in {@code fsync} durability a receipt owed is on the
     * device before the SMSC is told its receipt was taken).
     */
    public static ContentVault openVault(Path dir, KeyRing keys, Clock clock, FileSync sync) {
        return ContentVault.open(dir, keys, new ContentConfig(ContentConfig.MAX_RETENTION, BUCKET), clock, sync);
    }

    /**
     * The outbox over {@code vault} (from {@link #openVault}), which it closes.
     *
     * @param window how many of a customer's receipts a sweep keeps handed to the sinks at most: below what the
     *               customer's sink holds before it sets receipts aside, so a sweep never hands what would come back
     */
    public static ReceiptOutbox open(ContentVault vault, ReceiptsConfig config, PrivacyInterceptor privacy,
                                     ToIntFunction<String> window, Clock clock) {
        return new ReceiptOutbox(vault, privacy, config, window, clock);
    }

    /**
     * Starts handing what an earlier run owed to {@code sink}, at once and then whenever {@link #sweep} is asked;
     * call it once the listeners customers bind to are up.
     */
    public void start(ReceiptSink sink) {
        this.sink = Objects.requireNonNull(sink, "sink");
        sweep();
        sweeper.scheduleWithFixedDelay(this::expireUnheld, 1, 1, TimeUnit.MINUTES);
    }

    /**
     * Writes the receipt to disk before returning it as owed: call it before the message's final record, so that a
     * final state is never recorded without its receipt owed.
     *
     * @throws RuntimeException when the write fails (nothing is owed then; the caller does not record the final state)
     */
    public CustomerReceipt owe(CustomerReceipt receipt) {
        String customer = receipt.message().customerId();
        VaultHandle handle = vault.put(customer, receipt.message().messageId(), OutboxEntry.encode(receipt));
        owed(customer).held.add(handle);
        return receipt.owedAt(handle);
    }

    /** Lets go of a receipt just owed whose final record could not be stored: the message is not final after all. */
    public void cancel(CustomerReceipt receipt) {
        release(receipt);
    }

    @Override
    public void taken(CustomerReceipt receipt) {
        try {
            privacy.record(receipt.message().recordBuilder(), EventType.RECEIPT_FORWARDED, null, 0, 0);
        } catch (RuntimeException | InternalError e) {
            // The customer has the receipt; only the record of it is missing (a full disk): say so, go on.
            LOG.warn("receipt of message {} was taken but its RECEIPT_FORWARDED record could not be stored: {}",
                    receipt.message().messageId(), e.getClass().getSimpleName());
        }
        Owed owed = release(receipt);
        if (owed.unheld && owed.held.size() <= window.applyAsInt(receipt.message().customerId()) / 2) {
            sweep();
        }
    }

    @Override
    public void givenUp(CustomerReceipt receipt) {
        try {
            privacy.record(receipt.message().record(), EventType.RECEIPT_DROPPED, null, 0, receipt.errorCode());
        } catch (RuntimeException | InternalError e) {
            LOG.warn("receipt of message {} was given up but its RECEIPT_DROPPED record could not be stored: {}",
                    receipt.message().messageId(), e.getClass().getSimpleName());
        }
        release(receipt);
        givenUp.incrementAndGet();
        givenUpLog.count(receipt.message().messageId());
    }

    @Override
    public void setAside(CustomerReceipt receipt) {
        Owed owed = owed(receipt.message().customerId());
        synchronized (owed) {
            owed.held.remove(receipt.owed());
            owed.changes++;
            owed.cursor = null; // it lies anywhere behind the cursor
            owed.unheld = true;
        }
        setAside.incrementAndGet();
    }

    @Override
    public Instant giveUpAt(CustomerReceipt receipt) {
        return receipt.doneAt().plus(retryFor);
    }

    /** Asks for a sweep: on the outbox's own thread, soon; asks made meanwhile are one sweep. */
    public void sweep() {
        if (sink != null && sweepAsked.compareAndSet(false, true)) {
            sweeper.execute(() -> {
                sweepAsked.set(false);
                try {
                    customers.forEach((customer, owed) -> {
                        if (owed.unheld) {
                            sweep(customer, owed);
                        }
                    });
                } catch (RuntimeException | InternalError e) {
                    // The next ask (each second from housekeeping, or a receipt taken) tries again.
                    LOG.warn("sweeping the receipt outbox failed: {}", e.toString());
                }
            });
        }
    }

    /** Receipts of an earlier run offered again: each a possible duplicate (a counter). */
    public long resentCount() {
        return resent.get();
    }

    /** Receipts given up at their limit, each with a RECEIPT_DROPPED record (a counter). */
    public long givenUpCount() {
        return givenUp.get();
    }

    /** Receipts a sink let go for want of room, kept here for a later sweep (a counter). */
    public long setAsideCount() {
        return setAside.get();
    }

    /** Receipts held by sinks, as far as the outbox knows (a gauge). */
    public int held() {
        return customers.values().stream().mapToInt(o -> o.held.size()).sum();
    }

    /** Hands the customer's unheld entries to the sink from its cursor, while it holds fewer than its window. */
    private void sweep(String customer, Owed owed) {
        int room = window.applyAsInt(customer) - owed.held.size();
        if (room <= 0) {
            return;
        }
        long changes;
        VaultHandle from;
        synchronized (owed) {
            changes = owed.changes;
            from = owed.cursor;
        }
        Instant now = clock.instant();
        VaultHandle[] cursor = {from};
        int[] left = {room};
        boolean[] stopped = {false};
        vault.forEachPendingOf(customer, from, (handle, bytes) -> {
            if (owed.held.contains(handle)) {
                cursor[0] = handle;
                return true;
            }
            CustomerReceipt receipt;
            try {
                receipt = OutboxEntry.decode(bytes, true).owedAt(handle);
            } catch (IllegalArgumentException unreadable) {
                LOG.warn("receipt outbox entry of message {} cannot be read ({}); dropped", handle.messageId(),
                        unreadable.getMessage());
                vault.strip(handle);
                cursor[0] = handle;
                return true;
            }
            boolean earlierRun = receipt.doneAt().isBefore(openedAt);
            if (!earlierRun && receipt.doneAt().isAfter(now.minus(SETTLE))) {
                stopped[0] = true; // too young to tell from one being written: the next sweep looks again
                return false;
            }
            cursor[0] = handle;
            owed.held.add(handle);
            if (!now.isBefore(giveUpAt(receipt))) {
                givenUp(receipt);
                return true;
            }
            if (earlierRun) {
                receipt = OutboxEntry.decode(bytes, false).owedAt(handle);
                resent(receipt);
            }
            sink.forward(receipt);
            return --left[0] > 0;
        }, unreadable -> vault.strip(unreadable));
        synchronized (owed) {
            if (owed.changes == changes) {
                owed.cursor = cursor[0];
                // The walk reached the end with room to spare: nothing is left that no sink holds.
                owed.unheld = stopped[0] || left[0] == 0;
            }
        }
    }

    /** An entry of an earlier run offered again: the customer may have taken it just before the crash. */
    private void resent(CustomerReceipt receipt) {
        resent.incrementAndGet();
        try {
            privacy.record(receipt.message().record(), EventType.RECEIPT_RESENT, null, 0, receipt.errorCode());
        } catch (RuntimeException | InternalError e) {
            LOG.warn("the RECEIPT_RESENT record of message {} could not be stored: {}", receipt.message().messageId(),
                    e.getClass().getSimpleName());
        }
    }

    /**
     * Gives up the entries past their limit that no sink holds, also of customers whose sinks have no room (those it
     * holds, the sinks give up themselves). Only buckets old enough to hold such an entry are read.
     */
    void expireUnheld() {
        Instant now = clock.instant();
        Instant youngest = now.minus(retryFor).plusSeconds(1);
        try {
            customers.forEach((customer, owed) -> {
                if (!owed.unheld) {
                    return;
                }
                vault.forEachPendingOf(customer, null, (handle, bytes) -> {
                    if (handle.bucket().isAfter(youngest)) {
                        return false;
                    }
                    if (owed.held.contains(handle)) {
                        return true;
                    }
                    CustomerReceipt receipt;
                    try {
                        receipt = OutboxEntry.decode(bytes, false).owedAt(handle);
                    } catch (IllegalArgumentException unreadable) {
                        return true; // the sweep drops it, saying why
                    }
                    if (!now.isBefore(giveUpAt(receipt))) {
                        owed.held.add(handle);
                        givenUp(receipt);
                    }
                    return true;
                }, unreadable -> vault.strip(unreadable));
            });
        } catch (RuntimeException | InternalError e) {
            LOG.warn("giving up old receipts in the outbox failed: {}", e.toString());
        }
    }

    /** Strips the entry (first: a sweep must not find it live once no sink holds it) and forgets that it is held. */
    private Owed release(CustomerReceipt receipt) {
        VaultHandle handle = Objects.requireNonNull(receipt.owed(), "a receipt not owed by the outbox");
        vault.strip(handle);
        Owed owed = owed(receipt.message().customerId());
        owed.held.remove(handle);
        return owed;
    }

    private Owed owed(String customer) {
        return customers.computeIfAbsent(customer, c -> new Owed());
    }

    /** Receipts offered again, given up and set aside. */
    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("ebb.receipts.resent", this, ReceiptOutbox::resentCount)
                .description("receipts owed by an earlier run offered again after a restart: each a possible "
                        + "duplicate, with the same receipted_message_id").register(registry);
        FunctionCounter.builder("ebb.receipts.given.up", this, ReceiptOutbox::givenUpCount)
                .description("receipts not taken within receipts.retryFor of their final state, each with a "
                        + "RECEIPT_DROPPED record").register(registry);
        FunctionCounter.builder("ebb.receipts.set.aside", this, ReceiptOutbox::setAsideCount)
                .description("receipts let go from memory for want of room, kept in the outbox for a later sweep")
                .register(registry);
        Gauge.builder("ebb.receipts.outbox.held", this, ReceiptOutbox::held)
                .description("receipts of the outbox held in memory by the SMPP and webhook senders").register(registry);
    }

    /** Stops the sweeps and closes the files; what is owed stays on disk for the next start. */
    @Override
    public void close() {
        // Not shutdownNow: an interrupt inside the vault closes its file channels.
        sweeper.shutdown();
        try {
            sweeper.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        vault.close();
    }

    /** One customer's state: the entries its sinks hold, and where the next sweep resumes. */
    private static final class Owed {
        final Set<VaultHandle> held = ConcurrentHashMap.newKeySet();
        /** Set-asides so far; a sweep that saw one happen meanwhile keeps neither its cursor nor its verdict. */
        long changes;
        VaultHandle cursor;
        /** May hold entries no sink holds. */
        volatile boolean unheld;
    }
}
