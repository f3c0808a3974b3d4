package dev.ebb.metadata;

import java.util.function.Supplier;

/**
 * Runs the store's work with the calling thread's interrupt put aside, and gives it back after. A {@code FileChannel}
 * used by an interrupted thread is closed under it (ClosedByInterruptException), which the store would take for a
 * failed write and stop taking appends from every thread; a caller's interrupt (an executor's {@code shutdownNow}, a
 * thread woken to stop) is the caller's business, seen by the caller once the call returns. An interrupt that comes
 * while the work runs is not put aside: callers must not interrupt a thread to stop it while it is in the store.
 */
final class Interrupts {
    private Interrupts() {
    }

    static <T> T aside(Supplier<T> work) {
        boolean interrupted = Thread.interrupted();
        try {
            return work.get();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static void aside(Runnable work) {
        aside(() -> {
            work.run();
            return null;
        });
    }
}
