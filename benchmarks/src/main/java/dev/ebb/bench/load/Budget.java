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
        return take(1) == 1;
    }

    /** Takes up to {@code n} messages (the recipients of one batch); 0 once the budget is spent. */
    int take(int n) {
        if (System.nanoTime() - deadline > 0 && deadline != Long.MAX_VALUE) {
            remaining.set(0);
            return 0;
        }
        long before = remaining.getAndAdd(-n);
        if (before > 0) {
            return (int) Math.min(n, before);
        }
        remaining.set(0);
        return 0;
    }

    boolean spent() {
        return remaining.get() <= 0 || (deadline != Long.MAX_VALUE && System.nanoTime() - deadline > 0);
    }
}
