package dev.ebb.bench.load;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/**
 * What every connection of a run reports into, from its own event-loop thread: counts, and two latencies per
 * message — submit → accept (submit_sm_resp, or the 202) and submit → receipt (deliver_sm, or the callback POST).
 */
final class LoadStats {
    final Recorder acceptLatency = new Recorder(3);
    final Recorder receiptLatency = new Recorder(3);
    final LongAdder accepted = new LongAdder();
    final LongAdder receipts = new LongAdder();
    final LongAdder sent = new LongAdder();
    /** System.nanoTime of the latest receipt: the end of the end-to-end run. */
    final LongAccumulator lastReceiptAt = new LongAccumulator(Math::max, Long.MIN_VALUE);
    /** Answers other than acceptance, by status (an SMPP command_status name, or an HTTP status). */
    final Map<String, LongAdder> refused = new ConcurrentHashMap<>();
    /**
     * Accepted messages waiting for their receipt (when they were submitted), or receipts that came before their
     * acceptance was read (when they came): a receipt may overtake its answer on another connection.
     */
    private final Map<String, Stamp> awaiting = new ConcurrentHashMap<>();

    void refused(String status) {
        refused.computeIfAbsent(status, s -> new LongAdder()).increment();
    }

    /** The gateway accepted a message submitted at {@code submittedAt} (System.nanoTime) under {@code id}. */
    void accepted(String id, long submittedAt, long now, boolean receiptExpected) {
        accepted.increment();
        acceptLatency.recordValue(Math.max(1, now - submittedAt));
        if (receiptExpected && id != null) {
            awaiting.compute(id, (k, early) -> {
                if (early == null) {
                    return new Stamp(submittedAt, false);
                }
                receiptLatency.recordValue(Math.max(1, early.nanos() - submittedAt));
                return null;
            });
        }
    }

    /** A receipt for {@code id} arrived at {@code now}. */
    void receipt(String id, long now) {
        receipts.increment();
        lastReceiptAt.accumulate(now);
        awaiting.compute(id, (k, submitted) -> {
            if (submitted == null) {
                return new Stamp(now, true);
            }
            if (submitted.receipt()) {
                return submitted; // a repeated receipt: the first one counts for the latency
            }
            receiptLatency.recordValue(Math.max(1, now - submitted.nanos()));
            return null;
        });
    }

    private record Stamp(long nanos, boolean receipt) {
    }
}
