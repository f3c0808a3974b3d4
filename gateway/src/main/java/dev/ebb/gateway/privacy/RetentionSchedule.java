package dev.ebb.gateway.privacy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.PriorityBlockingQueue;

/**
 * Messages whose customer asked for their content to go at a time of its own (a {@code contentRetention} duration),
 * soonest first, by vault handle: no content. An entry stays until its time even when its content went earlier (the
 * message was final): stripping again is a no-op, and finding the entry to remove it would cost more than keeping it
 * (about 100 bytes, for at most 72 h). Lost with the process: {@link PrivacyInterceptor#forEachPending} schedules
 * every such message again from its sealed submission at start.
 */
final class RetentionSchedule {
    private final PriorityBlockingQueue<Due> due = new PriorityBlockingQueue<>(64,
            Comparator.comparing(Due::deadline));

    private record Due(Instant deadline, VaultHandle handle) {
    }

    void add(VaultHandle handle, Instant deadline) {
        due.add(new Due(deadline, handle));
    }

    /**
     * Takes out every handle whose time is {@code now} or earlier. One taker at a time: what a concurrent {@link #add}
     * puts at the head between the look and the take is due sooner still.
     */
    synchronized List<VaultHandle> takeDue(Instant now) {
        List<VaultHandle> handles = new ArrayList<>();
        for (Due next; (next = due.peek()) != null && !next.deadline().isAfter(now); ) {
            handles.add(due.poll().handle());
        }
        return handles;
    }

    int size() {
        return due.size();
    }
}
