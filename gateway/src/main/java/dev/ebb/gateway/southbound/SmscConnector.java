package dev.ebb.gateway.southbound;

import dev.ebb.gateway.config.ConnectorConfig;
import dev.ebb.gateway.core.DeliverSmListener;
import dev.ebb.gateway.route.Connector;
import dev.ebb.gateway.route.Outbound;
import dev.ebb.gateway.route.ValidityExpiredException;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One southbound route to an operator SMSC: {@code binds} jSMPP transceiver sessions fed from one queue.
 *
 * <p>Accepted messages wait in the queue while no bind is up, so an SMSC outage delays traffic but loses
 * none of it; a message whose validity runs out in the queue fails with {@link ValidityExpiredException}.
 * Transient refusals (throttling, queue full) and broken connections put the message back at the head.
 */
public final class SmscConnector implements Connector, AutoCloseable, MeterBinder {
    private static final Logger LOG = LoggerFactory.getLogger(SmscConnector.class);

    private final ConnectorConfig config;
    private final Clock clock;
    private final LinkedBlockingDeque<Pending> queue = new LinkedBlockingDeque<>();
    private final List<SmscBind> binds = new ArrayList<>();
    private final AtomicLong submitted = new AtomicLong();

    public SmscConnector(ConnectorConfig config, DeliverSmListener listener, Clock clock) {
        this.config = config;
        this.clock = clock;
        for (int i = 0; i < config.binds(); i++) {
            binds.add(new SmscBind(config, i, listener, this));
        }
    }

    @Override
    public String name() {
        return config.name();
    }

    /** Starts binding in the background; submits queue until a bind is up. */
    public SmscConnector start() {
        binds.forEach(SmscBind::start);
        return this;
    }

    @Override
    public CompletableFuture<String> submit(Outbound message) {
        Pending pending = new Pending(message, new CompletableFuture<>());
        queue.addLast(pending);
        return pending.result();
    }

    public int queued() {
        return queue.size();
    }

    @Override
    public boolean isFull(int scheduled) {
        return queue.size() + scheduled >= config.maxQueued();
    }

    public int boundSessions() {
        return (int) binds.stream().filter(SmscBind::isBound).count();
    }

    public long submittedCount() {
        return submitted.get();
    }

    /** Next message for a sending thread, or null after {@code timeoutMillis}; expired messages are failed here. */
    Pending take(long timeoutMillis) throws InterruptedException {
        while (true) {
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
        List<Pending> expired = new ArrayList<>();
        queue.removeIf(p -> isExpired(p) && expired.add(p));
        expired.forEach(p -> p.result().completeExceptionally(new ValidityExpiredException(p.message().messageId())));
        return expired.size();
    }

    private boolean isExpired(Pending pending) {
        return pending.message().expiry() != null && !clock.instant().isBefore(pending.message().expiry());
    }

    /** A message that could not be sent for a reason that is not its own goes back to the front. */
    void requeue(Pending pending) {
        queue.addFirst(pending);
    }

    void countSubmitted() {
        submitted.incrementAndGet();
    }

    /** Unbinds every session; messages still queued stay in the vault and are re-queued at the next start. */
    @Override
    public void close() {
        binds.forEach(SmscBind::close);
        if (!queue.isEmpty()) {
            LOG.info("connector {} stopped with {} messages queued; they stay in the vault", config.name(), queue.size());
        }
    }

    record Pending(Outbound message, CompletableFuture<String> result) {
    }

    /** This connector's queue, binds and submits, tagged with its name. */
    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("ebb.southbound.queued", this, SmscConnector::queued).tag("connector", name()).register(registry);
        Gauge.builder("ebb.southbound.binds", this, SmscConnector::boundSessions).tag("connector", name())
                .register(registry);
        FunctionCounter.builder("ebb.southbound.submitted", this, SmscConnector::submittedCount)
                .tag("connector", name()).register(registry);
    }
}
