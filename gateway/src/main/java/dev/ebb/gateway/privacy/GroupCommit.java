package dev.ebb.gateway.privacy;

import dev.ebb.gateway.config.Durability;
import dev.ebb.gateway.config.StorageConfig;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When an acknowledgement may leave ({@code storage.durability}). In {@code process} mode at once: what the stores
 * wrote is in the page cache. In {@code fsync} mode after a group commit, as Kafka, PostgreSQL and Chronicle's own
 * {@code syncMode} do it: one thread, {@code ebb-group-commit}, forces the content vault and the metadata store for
 * every acknowledgement waiting, once {@code fsyncBatch} of them wait or the first has waited {@code fsyncInterval},
 * whichever comes first, then completes their futures. Nothing blocks: the answer to the customer is written from
 * the completion, on the connection's event loop.
 *
 * <p>A force that fails fails every acknowledgement waiting and every later one until restart: after a failed fsync
 * the kernel may have dropped the dirty pages and cleared the error, so a second fsync can succeed with the data gone
 * (PostgreSQL's "fsyncgate", 2018). The messages are then refused as not durable, never acknowledged.
 */
public final class GroupCommit implements AutoCloseable, MeterBinder {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);
    private static final CompletableFuture<Void> AT_ONCE = CompletableFuture.completedFuture(null);

    private final List<Runnable> forces;
    private final long intervalNanos;
    private final int batch;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final Thread thread;
    private final AtomicLong commits = new AtomicLong();
    private List<CompletableFuture<Void>> waiting = new ArrayList<>();
    private long firstArrival;
    private boolean closed;
    private Throwable failure;
    private volatile Timer forceTimer;
    private volatile DistributionSummary batchSizes;

    private GroupCommit(List<Runnable> forces, long intervalNanos, int batch) {
        this.forces = List.copyOf(forces);
        this.intervalNanos = intervalNanos;
        this.batch = batch;
        this.thread = forces.isEmpty() ? null : new Thread(this::run, "ebb-group-commit");
    }

    /** Acknowledgements at once ({@code durability: process}). */
    public static GroupCommit none() {
        return new GroupCommit(List.of(), 0, 1);
    }

    /**
     * Per {@code config.durability()}: {@link #none()}, or a started commit thread that runs {@code forces} in order
     * (each forces one store; each must be safe alongside writes).
     */
    public static GroupCommit of(StorageConfig config, List<Runnable> forces) {
        if (config.durability() == Durability.PROCESS) {
            return none();
        }
        if (forces.isEmpty()) {
            throw new IllegalArgumentException("a group commit needs a store to force");
        }
        GroupCommit commit = new GroupCommit(forces, config.fsyncInterval().toNanos(), config.fsyncBatch());
        commit.thread.setDaemon(true);
        commit.thread.start();
        return commit;
    }

    /**
     * Completes once everything the calling thread wrote before the call is on the device (at once in {@code process}
     * mode); fails if a force failed. Completed on the commit thread: what depends on it must not block.
     */
    public CompletableFuture<Void> durable() {
        if (thread == null) {
            return AT_ONCE;
        }
        CompletableFuture<Void> ack = new CompletableFuture<>();
        lock.lock();
        try {
            if (failure != null || closed) {
                ack.completeExceptionally(failure != null ? failure : new IllegalStateException("the stores are closed"));
                return ack;
            }
            if (waiting.isEmpty()) {
                firstArrival = System.nanoTime();
                arrived.signal();
            }
            waiting.add(ack);
            if (waiting.size() == batch) {
                arrived.signal();
            }
        } finally {
            lock.unlock();
        }
        return ack;
    }

    /**
     * Empty while acknowledgements can be made durable; after a failed force, why none can until restart (a readiness
     * check: a gateway that refuses every submit must not look ready to a load balancer).
     */
    public Optional<String> notCommitting() {
        lock.lock();
        try {
            return failure == null ? Optional.empty() : Optional.of("fsync failed (" + failure.getClass().getSimpleName()
                    + "): every submit is refused until Ebb is restarted");
        } finally {
            lock.unlock();
        }
    }

    /** Group commits run so far. */
    public long commits() {
        return commits.get();
    }

    private void run() {
        while (true) {
            List<CompletableFuture<Void>> group;
            lock.lock();
            try {
                while (!closed && waiting.isEmpty()) {
                    arrived.awaitUninterruptibly();
                }
                long wait;
                while (!closed && waiting.size() < batch
                        && (wait = firstArrival + intervalNanos - System.nanoTime()) > 0) {
                    try {
                        arrived.awaitNanos(wait);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
                if (waiting.isEmpty()) {
                    return;
                }
                group = waiting;
                waiting = new ArrayList<>(Math.min(batch, 1024));
            } finally {
                lock.unlock();
            }
            commit(group);
        }
    }

    /** Forces the stores for {@code group}: every write of theirs finished before they joined it. */
    private void commit(List<CompletableFuture<Void>> group) {
        long start = System.nanoTime();
        try {
            for (Runnable force : forces) {
                force.run();
            }
        } catch (RuntimeException | Error e) {
            lock.lock();
            try {
                failure = e;
            } finally {
                lock.unlock();
            }
            LOG.error("fsync failed ({}): the {} acknowledgement(s) waiting and every later one are refused until Ebb is "
                    + "restarted, as what the page cache held is not known to be on the device", e.toString(), group.size());
            group.forEach(ack -> ack.completeExceptionally(e));
            failAll(e);
            return;
        }
        commits.incrementAndGet();
        Timer timer = forceTimer;
        if (timer != null) {
            timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            batchSizes.record(group.size());
        }
        for (CompletableFuture<Void> ack : group) {
            ack.complete(null);
        }
    }

    private void failAll(Throwable e) {
        List<CompletableFuture<Void>> rest;
        lock.lock();
        try {
            rest = waiting;
            waiting = new ArrayList<>();
        } finally {
            lock.unlock();
        }
        rest.forEach(ack -> ack.completeExceptionally(e));
    }

    /** Commits what waits, then stops the thread; later acknowledgements fail. Close it before the stores. */
    @Override
    public void close() {
        if (thread == null) {
            return;
        }
        lock.lock();
        try {
            closed = true;
            arrived.signal();
        } finally {
            lock.unlock();
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Forces, their duration and how many acknowledgements each released (fsync mode only). */
    @Override
    public void bindTo(MeterRegistry registry) {
        if (thread == null) {
            return;
        }
        FunctionCounter.builder("ebb.storage.group.commits", this, GroupCommit::commits)
                .description("group commits: content vault and metadata store forced for the acknowledgements waiting")
                .register(registry);
        batchSizes = DistributionSummary.builder("ebb.storage.group.commit.size")
                .description("acknowledgements released by one group commit").register(registry);
        forceTimer = Timer.builder("ebb.storage.group.commit.force")
                .description("time to force the content vault and the metadata store in one group commit")
                .register(registry);
    }
}
