package dev.ebb.gateway.smpp;

import dev.ebb.gateway.core.SubmitMeters;
import dev.ebb.gateway.smpp.pdu.CommandStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The meters SMPP ingress updates on the hot path: {@code ebb_smpp_submits_total{status}} and the SMPP channel's
 * {@code ebb_submit_seconds}. Labels carry status names and customer ids only: never content or numbers (DESIGN.md
 * invariant 1).
 */
public final class SubmitMetrics {
    private final MeterRegistry registry;
    private final SubmitMeters meters;
    private final Map<Integer, Counter> submits = new ConcurrentHashMap<>();

    /** @param meters the SMPP channel's submit meters (shared with {@link SubmitRefusals}) */
    public SubmitMetrics(MeterRegistry registry, SubmitMeters meters) {
        this.registry = registry;
        this.meters = meters;
    }

    /** One submit_sm handed to ingress answered with {@code commandStatus}. */
    public void outcome(int commandStatus) {
        Counter counter = submits.get(commandStatus);
        if (counter == null) {
            counter = submits.computeIfAbsent(commandStatus, s -> Counter.builder("ebb.smpp.submits")
                    .description("submit_sm answered, by command_status").tag("status", CommandStatus.name(s))
                    .register(registry));
        }
        counter.increment();
    }

    /** The response to a submit of {@code session} was written {@code nanos} after the submit was read. */
    public void answered(SessionInfo session, int commandStatus, long nanos) {
        meters.answered(session.customerId(), commandStatus, nanos);
    }
}
