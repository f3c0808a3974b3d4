package dev.ebb.gateway.smpp;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs customers' tasks on one executor in turns: each customer with tasks waiting runs one, then the next customer
 * does. A customer that queues thousands (every bind's window of query_sm) then delays another's by about one task
 * of its own, not by all of them (DESIGN.md invariant 6). Each customer's own tasks run in the order they came.
 */
final class CustomerTurns {
    private static final Logger LOG = LoggerFactory.getLogger(CustomerTurns.class);
    private final Executor executor;
    /** Each customer's waiting tasks; a customer is here only while it has some. Guarded by this. */
    private final Map<String, Queue<Runnable>> waiting = new HashMap<>();
    /** The customers of {@link #waiting}, whose turn comes first first. Guarded by this. */
    private final Queue<String> turns = new ArrayDeque<>();
    /** A drain runs on the executor. Guarded by this. */
    private boolean draining;

    CustomerTurns(Executor executor) {
        this.executor = executor;
    }

    void execute(String customerId, Runnable task) {
        synchronized (this) {
            waiting.computeIfAbsent(customerId, id -> {
                turns.add(id);
                return new ArrayDeque<>();
            }).add(task);
            if (draining) {
                return;
            }
            draining = true;
        }
        try {
            executor.execute(this::drain);
        } catch (RuntimeException refused) {
            synchronized (this) {
                draining = false;
            }
            throw refused;
        }
    }

    private void drain() {
        while (true) {
            Runnable task;
            synchronized (this) {
                String customerId = turns.poll();
                if (customerId == null) {
                    draining = false;
                    return;
                }
                Queue<Runnable> tasks = waiting.get(customerId);
                task = tasks.poll();
                if (tasks.isEmpty()) {
                    waiting.remove(customerId);
                } else {
                    turns.add(customerId);
                }
            }
            try {
                task.run();
            } catch (RuntimeException e) {
                // A task answers its own failure; one that throws must not stop the others' turns.
                LOG.error("an SMPP operation failed: {}", e.toString());
            }
        }
    }
}
