package dev.ebb.gateway.core;

import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The buckets of Ebb's latency histograms ({@code ebb_submit_seconds}, {@code ebb_southbound_submit_seconds},
 * {@code ebb_delivery_seconds}, {@code ebb_receipt_callback_seconds}), one set for all so their quantiles compare.
 *
 * <p>SMS latency spans six orders of magnitude: a submit_sm answered from the page cache takes well under a
 * millisecond (the ingest target is p99 ≤ 2 ms), an SMSC answers in milliseconds to seconds, a handset's receipt comes
 * after seconds to minutes. Nineteen fixed boundaries from 0.5 ms to 10 min (roughly 1-2.5-5 per decade) give
 * {@code histogram_quantile} an error within a bucket's width everywhere, at 21 series per label set: Micrometer's
 * percentile histogram would add ~70 buckets per label set for little more. Later than 10 min lands in {@code +Inf}
 * (a receipt held by an SMSC for hours is counted, not placed).
 */
public final class Latency {
    private static final Duration[] BUCKETS = {
            Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofNanos(2_500_000),
            Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2_500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ofMinutes(10)};

    private Latency() {
    }

    /** A timer of {@code name} (Prometheus: {@code <name>_seconds_bucket/_count/_sum}) with Ebb's buckets. */
    public static Timer.Builder timer(String name, String description) {
        return Timer.builder(name).description(description).serviceLevelObjectives(BUCKETS);
    }
}
