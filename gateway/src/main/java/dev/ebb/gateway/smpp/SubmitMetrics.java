package dev.ebb.gateway.smpp;

import dev.ebb.gateway.smpp.pdu.CommandStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntConsumer;

/**
 * Counters Ebb updates on the hot path. Labels carry status names, customer and connector ids only:
 * never content or numbers (DESIGN.md invariant 1).
 */
public final class SubmitMetrics implements IntConsumer {
    private final MeterRegistry registry;
    private final Map<Integer, Counter> submits = new ConcurrentHashMap<>();

    public SubmitMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** One submit_sm answered with {@code commandStatus}. */
    @Override
    public void accept(int commandStatus) {
        submits.computeIfAbsent(commandStatus, s -> Counter.builder("ebb.smpp.submits")
                .description("submit_sm answered, by command_status").tag("status", CommandStatus.name(s))
                .register(registry)).increment();
    }
}
