package dev.ebb.bench.load;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How many messages a run may still send, shared by its connections: a number ({@code --messages}), or as many as
 * fit before a deadline ({@code --duration}).
 */
final class Budget {
    private final AtomicLong remaining;
    private final long deadline;

    /** @param deadlineNanos System.nanoTime after which nothing more is sent; Long.MAX_VALUE: none */
    Budget(long messages, long deadlineNanos) {
        this.remaining = new AtomicLong(messages);
        this.deadline = deadlineNanos;
    }

    /** Takes one message; false once the budget is spent. */
    boolean take() {
        if (System.nanoTime() - deadline > 0 && deadline != Long.MAX_VALUE) {
            remaining.set(0);
            return false;
        }
        if (remaining.getAndDecrement() > 0) {
            return true;
        }
        remaining.set(0);
        return false;
    }

    boolean spent() {
        return remaining.get() <= 0 || (deadline != Long.MAX_VALUE && System.nanoTime() - deadline > 0);
    }
}
