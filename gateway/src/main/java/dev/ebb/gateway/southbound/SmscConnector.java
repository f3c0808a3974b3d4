package dev.ebb.gateway.southbound;

import static dev.ebb.gateway.smpp.pdu.CommandStatus.ESME_RMSGQFUL;
import static dev.ebb.gateway.smpp.pdu.CommandStatus.ESME_RSYSERR;
import static dev.ebb.gateway.smpp.pdu.CommandStatus.ESME_RTHROTTLED;

import dev.ebb.gateway.config.ConnectorConfig;
import dev.ebb.gateway.config.SmscClient;
import dev.ebb.gateway.core.DeliverSmListener;
import dev.ebb.gateway.core.Latency;
import dev.ebb.gateway.core.OutboundMessage;
import dev.ebb.gateway.route.ContentGoneException;
import dev.ebb.gateway.smpp.pdu.CommandStatus;
import dev.ebb.gateway.route.Connector;
import dev.ebb.gateway.route.Outbound;
import dev.ebb.gateway.route.SubmitFailedException;
import dev.ebb.gateway.route.ValidityExpiredException;
import dev.ebb.gateway.route.WithdrawnException;
import dev.ebb.gateway.smpp.pdu.CommandStatus;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One southbound route to an operator SMSC: {@code binds} sessions fed from one queue, each driven by Ebb's own
 * windowed client ({@link NettySmscBind}, {@code client: netty}) or by jSMPP ({@link SmscBind}, {@code client: jsmpp}).
 *
 * <p>Accepted messages wait in the queue while no bind is up, so an SMSC outage delays traffic but loses
 * none of it; a message whose validity runs out in the queue fails with {@link ValidityExpiredException}.
 * Broken connections put the message back at the head; a message whose submit_sm went unanswered is recorded as
 * such ({@link Outbound#unconfirmed()}) before it is sent again, and one whose unanswered submit_sm is answered ESME_ROK
 * after all, late, is recorded as duplicated ({@link Outbound#duplicated()}). A refusal the connector's
 * {@code temporaryErrors} name is retried: ESME_RTHROTTLED and ESME_RMSGQFUL at the head of the queue once the bind's
 * pause is over, any other after the message's own back-off ({@code retryDelay}, doubling); both within its validity.
 */
public final class SmscConnector implements Connector, AutoCloseable, MeterBinder {
    private static final Logger LOG = LoggerFactory.getLogger(SmscConnector.class);


    private final ConnectorConfig config;
    private final Clock clock;
    private final LinkedBlockingDeque<Pending> queue = new LinkedBlockingDeque<>();
    /** Messages refused with a temporary error, each waiting out its back-off before it joins the queue's head. */
    private final DelayQueue<Retry> retries = new DelayQueue<>();
    private final List<Binding> binds = new ArrayList<>();
    private final AtomicLong submitted = new AtomicLong();
    private final AtomicLong unconfirmed = new AtomicLong();
    private final AtomicLong throttled = new AtomicLong();
    private final AtomicLong unmatched = new AtomicLong();
    /**
     * No queued or backing-off message expires before this (epoch ms): the scan of every second then skips a queue
     * of 200,000 long-lived messages instead of walking it under the queue's lock, which the event loops need to submit.
     */
    private final AtomicLong earliestExpiry = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong duplicated = new AtomicLong();
    /** See {@link #unboundSince()}. */
    private final AtomicReference<Instant> unboundSince = new AtomicReference<>();
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong responseTimeouts = new AtomicLong();
    /** ebb_southbound_submit_seconds by command_status; made once {@link #bindTo} gave the registry. */
    private final Map<Integer, Timer> submitTimes = new ConcurrentHashMap<>();
    private volatile MeterRegistry registry;
    /** The Netty client's I/O thread for all of this connector's binds; made at start, so an unstarted one has none. */
    private EventLoopGroup eventLoop;

    public SmscConnector(ConnectorConfig config, DeliverSmListener listener, Clock clock) {
        this.config = config;
        this.clock = clock;
        for (int i = 0; i < config.binds(); i++) {
            binds.add(config.client() == SmscClient.NETTY ? new NettySmscBind(config, i, listener, this)
                    : new SmscBind(config, i, listener, this));
        }
    }

    @Override
    public String name() {
        return config.name();
    }

    /** Starts binding in the background; submits queue until a bind is up. */
    public SmscConnector start() {
        if (config.client() == SmscClient.NETTY) {
            // One I/O thread does a connector's framing and correlation; content, records and receipts are handled
            // on each bind's own threads, so nothing here waits on a store.
            eventLoop = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("smsc-" + config.name() + "-io", true),
                    NioIoHandler.newFactory());
        }
        binds.forEach(Binding::start);
        return this;
    }

    EventLoopGroup eventLoop() {
        return eventLoop;
    }

    @Override
    public CompletableFuture<String> submit(Outbound message) {
        Pending pending = new Pending(message, new CompletableFuture<>(), 0);
        noteExpiry(pending);
        queue.addLast(pending);
        return pending.result();
    }

    /** Messages waiting for a bind, those backing off after a temporary error included. */
    public int queued() {
        return queue.size() + retries.size();
    }

    @Override
    public boolean isFull(int scheduled) {
        return queued() + scheduled >= config.maxQueued();
    }

    @Override
    public Instant unboundSince() {
        if (boundSessions() > 0) {
            unboundSince.set(null);
            return null;
        }
        unboundSince.compareAndSet(null, clock.instant());
        return unboundSince.get();
    }

    @Override
    public int withdrawQueued() {
        List<Pending> withdrawn = new ArrayList<>();
        // removeIf, not drainTo: a DelayQueue drains only what is due.
        retries.removeIf(r -> withdrawn.add(r.pending()));
        queue.drainTo(withdrawn);
        withdrawn.forEach(p -> p.result().completeExceptionally(new WithdrawnException(config.name())));
        return withdrawn.size();
    }

    public int boundSessions() {
        return (int) binds.stream().filter(Binding::isBound).count();
    }

    /** submit_sm sent over all binds and not yet answered. */
    public int inFlight() {
        return binds.stream().mapToInt(Binding::inFlight).sum();
    }

    /** Submits sent again after one went unanswered (response timeout, connection lost). */
    public long unconfirmedCount() {
        return unconfirmed.get();
    }

    /** ESME_RTHROTTLED / ESME_RMSGQFUL answers that slowed a bind down. */
    public long throttledCount() {
        return throttled.get();
    }

    /** Responses that answered no request in flight: late after a timeout, or an unknown sequence_number. */
    public long unmatchedResponses() {
        return unmatched.get();
    }

    public long submittedCount() {
        return submitted.get();
    }

    /** Refusals with a temporary error other than throttling whose message went to back off and try again. */
    public long retriedCount() {
        return retried.get();
    }

    /** Submits given up as unanswered and then answered ESME_ROK, late: the SMSC took the message twice. */
    public long duplicatedCount() {
        return duplicated.get();
    }

    /**
     * Next message for a sending thread, or null after {@code timeoutMillis}; expired messages are failed here.
     * Messages whose back-off is over go first, the longest waiting first.
     */
    Pending take(long timeoutMillis) throws InterruptedException {
        while (true) {
            List<Pending> due = new ArrayList<>();
            for (Retry r; (r = retries.poll()) != null; ) {
                due.add(r.pending());
            }
            for (int i = due.size() - 1; i >= 0; i--) {
                noteExpiry(due.get(i));
                queue.addFirst(due.get(i));
            }
            Pending next = queue.pollFirst(timeoutMillis, TimeUnit.MILLISECONDS);
            if (next == null) {
                return null;
            }
            if (isExpired(next)) {
                next.result().completeExceptionally(new ValidityExpiredException(next.message().messageId()));
                continue;
            }
            return next;
        }
    }

    /**
     * Fails every queued message whose validity has run out, so an SMSC outage longer than a message's
     * validity still ends it EXPIRED on time. The gateway calls this on a schedule.
     */
    public int expireQueued() {
        Instant now = clock.instant();
        if (now.toEpochMilli() < earliestExpiry.get()) {
            return 0;
        }
        // Reset before the walk: what is added meanwhile notes its own expiry, and survivors note theirs below.
        earliestExpiry.set(Long.MAX_VALUE);
        List<Pending> expired = new ArrayList<>();
        for (Iterator<Pending> it = queue.iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (expiredAt(p, now)) {
                it.remove();
                expired.add(p);
            } else {
                noteExpiry(p);
            }
        }
        retries.removeIf(r -> expiredAt(r.pending(), now) ? expired.add(r.pending()) : noteExpiry(r.pending()));
        expired.forEach(p -> p.result().completeExceptionally(new ValidityExpiredException(p.message().messageId())));
        return expired.size();
    }

    /** Remembers when {@code pending} expires, for the scan to know it cannot skip; false, for removeIf. */
    private boolean noteExpiry(Pending pending) {
        Instant expiry = pending.message().expiry();
        if (expiry != null) {
            earliestExpiry.accumulateAndGet(expiry.toEpochMilli(), Math::min);
        }
        return false;
    }

    private static boolean expiredAt(Pending pending, Instant now) {
        return pending.message().expiry() != null && !now.isBefore(pending.message().expiry());
    }

    private boolean isExpired(Pending pending) {
        return expiredAt(pending, clock.instant());
    }

    /** A message that could not be sent for a reason that is not its own goes back to the front. */
    void requeue(Pending pending) {
        noteExpiry(pending);
        queue.addFirst(pending);
    }

    /** §5.1.3 ESME_RTHROTTLED, ESME_RMSGQFUL: the SMSC as a whole asks for less, so the bind pauses, not the message. */
    static boolean pausesTheBind(int commandStatus) {
        return commandStatus == ESME_RTHROTTLED || commandStatus == ESME_RMSGQFUL;
    }

    /**
     * The SMSC refused a submit of {@code pending} with {@code commandStatus}. A status the connector's
     * {@code temporaryErrors} name queues the message again: at the head if it {@linkplain #pausesTheBind pauses the
     * bind} (whose caller then pauses), else after its own back-off, doubling with each refusal. Expiry ends it once
     * its validity is over. Writes nothing: safe on an event loop.
     *
     * @return false for a final refusal, which the caller ends (off the event loop: it writes records)
     */
    boolean retryLater(Pending pending, int commandStatus) {
        if (!config.isTemporary(commandStatus)) {
            return false;
        }
        if (pausesTheBind(commandStatus)) {
            queue.addFirst(pending);
            return true;
        }
        retried.incrementAndGet();
        long delay = config.retryDelay().toNanos() << Math.min(pending.attempts(), 30);
        delay = delay <= 0 ? config.retryDelayMax().toNanos() : Math.min(delay, config.retryDelayMax().toNanos());
        LOG.debug("connector {}: message {} refused with {} for now; trying again in {} ms", config.name(),
                pending.message().messageId(), CommandStatus.name(commandStatus), TimeUnit.NANOSECONDS.toMillis(delay));
        noteExpiry(pending);
        retries.add(new Retry(new Pending(pending.message(), pending.result(), pending.attempts() + 1),
                System.nanoTime() + delay));
        return true;
    }

    /**
     * A submit_sm of {@code pending} given up as unanswered was answered ESME_ROK after all as {@code smscId}: the SMSC
     * holds two copies. Recorded, never hidden; the copy sent again goes on as it was. Writes a record: not for an
     * event loop.
     */
    void duplicated(Pending pending, String smscId) {
        duplicated.incrementAndGet();
        try {
            pending.message().duplicated().accept(smscId);
        } catch (RuntimeException | InternalError e) {
            LOG.warn("connector {}: the SUBMIT_DUPLICATE record of message {} could not be stored: {}", config.name(),
                    pending.message().messageId(), e.toString());
        }
    }

    /**
     * A submit_sm of {@code pending} was sent and never answered: the SMSC may have it. The record saying so is
     * written before it goes first in line again, so a second copy at the SMSC is never without one. Writes a record:
     * not for an event loop.
     */
    void requeueUnconfirmed(Pending pending) {
        unconfirmed.incrementAndGet();
        try {
            pending.message().unconfirmed().run();
        } catch (RuntimeException | InternalError e) {
            LOG.warn("connector {}: the SUBMIT_UNCONFIRMED record of message {} could not be stored; sending it again "
                    + "anyway: {}", config.name(), pending.message().messageId(), e.toString());
        }
        queue.addFirst(pending);
    }

    /**
     * Opens the content of {@code pending} on a sending thread. Empty when there is none to send: unreadable (the
     * message fails with ESME_RSYSERR), gone from the vault (it ends with {@link ContentGoneException}), or the bind
     * is {@code stopping}, whose interrupt makes a vault read look like content gone: the message then goes back to
     * the queue and stays in the vault for the next start.
     */
    Optional<OutboundMessage> open(String bind, Pending pending, boolean stopping) {
        Optional<OutboundMessage> content;
        try {
            content = pending.message().content().get();
        } catch (RuntimeException unreadable) {
            fail(bind, pending, ESME_RSYSERR, "its content cannot be read", unreadable);
            return Optional.empty();
        }
        if (content.isEmpty()) {
            if (stopping) {
                requeue(pending);
            } else {
                pending.result().completeExceptionally(new ContentGoneException(pending.message().messageId()));
            }
        }
        return content;
    }

    /**
     * Ends a message that cannot be sent. The log names the exception's class only: a library's message may quote
     * an address or content.
     */
    void fail(String bind, Pending pending, int commandStatus, String reason, Throwable cause) {
        LOG.warn("connector {} gives up message {}: {}{}", bind, pending.message().messageId(), reason,
                cause == null ? "" : " (" + cause.getClass().getName() + ")");
        pending.result().completeExceptionally(new SubmitFailedException(config.name(), commandStatus,
                "message " + pending.message().messageId() + " not submitted: " + reason));
    }

    void countSubmitted() {
        submitted.incrementAndGet();
    }

    void countThrottled() {
        throttled.incrementAndGet();
    }

    void countUnmatched() {
        unmatched.incrementAndGet();
    }

    /** A bind connects or binds again after its connection failed or was lost. */
    void countReconnect() {
        reconnects.incrementAndGet();
    }

    /** submit_sm unanswered within {@code responseTimeout}. */
    void countResponseTimeouts(int count) {
        responseTimeouts.addAndGet(count);
    }

    /** Connects and binds after a failed or lost connection, over all binds (a counter). */
    public long reconnectCount() {
        return reconnects.get();
    }

    /** submit_sm unanswered within {@code responseTimeout}, over all binds (a counter). */
    public long responseTimeoutCount() {
        return responseTimeouts.get();
    }

    /**
     * The SMSC answered a submit_sm (submit_sm_resp, or generic_nack) with {@code commandStatus}, {@code nanos} after it
     * was written. From the binds' I/O threads: a map lookup and a histogram update, no allocation once the status was
     * seen.
     */
    void answered(int commandStatus, long nanos) {
        Timer timer = submitTimes.get(commandStatus);
        if (timer == null) {
            MeterRegistry r = registry;
            if (r == null) {
                return; // not bound to a registry (tests of the connector alone)
            }
            timer = submitTimer(r, commandStatus);
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
    }

    private Timer submitTimer(MeterRegistry r, int commandStatus) {
        return submitTimes.computeIfAbsent(commandStatus, status -> Latency.timer("ebb.southbound.submit",
                        "time from a submit_sm written to the SMSC's answer, by command_status")
                .tags("connector", name(), "status", CommandStatus.name(status)).register(r));
    }

    /** Unbinds every session; messages still queued stay in the vault and are re-queued at the next start. */
    @Override
    public void close() {
        binds.forEach(Binding::close);
        if (eventLoop != null) {
            eventLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (queued() > 0) {
            LOG.info("connector {} stopped with {} messages queued; they stay in the vault", config.name(), queued());
        }
    }

    /** @param attempts how many times the SMSC refused it with a temporary error that is not throttling */
    record Pending(Outbound message, CompletableFuture<String> result, int attempts) {
    }

    /** A message backing off until {@code dueNanos} (System.nanoTime). */
    private record Retry(Pending pending, long dueNanos) implements Delayed {
        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(dueNanos, ((Retry) other).dueNanos);
        }
    }

    /** This connector's queue, binds, window and submits, tagged with its name. */
    @Override
    public void bindTo(MeterRegistry registry) {
        this.registry = registry;
        submitTimer(registry, CommandStatus.ESME_ROK); // the series a dashboard shows exists from the start
        Gauge.builder("ebb.southbound.queued", this, SmscConnector::queued).tag("connector", name()).register(registry);
        Gauge.builder("ebb.southbound.binds", this, SmscConnector::boundSessions).tag("connector", name())
                .description("binds up").register(registry);
        Gauge.builder("ebb.southbound.binds.wanted", config, ConnectorConfig::binds).tag("connector", name())
                .description("binds configured (binds)").register(registry);
        Gauge.builder("ebb.southbound.window", config, c -> c.window() * c.binds()).tag("connector", name())
                .description("submit_sm that may be in flight over all binds (window x binds)").register(registry);
        FunctionCounter.builder("ebb.southbound.reconnects", this, SmscConnector::reconnectCount)
                .tag("connector", name()).description("connects and binds after a failed or lost connection")
                .register(registry);
        FunctionCounter.builder("ebb.southbound.response.timeouts", this, SmscConnector::responseTimeoutCount)
                .tag("connector", name()).description("submit_sm unanswered within responseTimeout").register(registry);
        FunctionCounter.builder("ebb.southbound.submitted", this, SmscConnector::submittedCount)
                .tag("connector", name()).register(registry);
        Gauge.builder("ebb.southbound.in.flight", this, SmscConnector::inFlight).tag("connector", name())
                .description("submit_sm sent and not yet answered").register(registry);
        FunctionCounter.builder("ebb.southbound.unconfirmed", this, SmscConnector::unconfirmedCount)
                .tag("connector", name()).description("submits sent again after one went unanswered").register(registry);
        FunctionCounter.builder("ebb.southbound.throttled", this, SmscConnector::throttledCount)
                .tag("connector", name()).description("ESME_RTHROTTLED or ESME_RMSGQFUL answers").register(registry);
        FunctionCounter.builder("ebb.southbound.retried", this, SmscConnector::retriedCount)
                .tag("connector", name()).description("temporary refusals whose message backs off and goes again")
                .register(registry);
        FunctionCounter.builder("ebb.southbound.duplicated", this, SmscConnector::duplicatedCount)
                .tag("connector", name()).description("submits answered late, after the message had been sent again")
                .register(registry);
        FunctionCounter.builder("ebb.southbound.unmatched.responses", this, SmscConnector::unmatchedResponses)
                .tag("connector", name()).description("responses to no request in flight (late or unknown)")
                .register(registry);
    }
}
