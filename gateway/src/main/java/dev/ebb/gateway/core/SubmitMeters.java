package dev.ebb.gateway.core;

import dev.ebb.metadata.Channel;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * What one ingress channel reports of its customers' submits: {@code ebb_submit_seconds{channel,customer,status}},
 * from the submit_sm (or POST) read to its answer written, and {@code
 * ebb_submits_refused_total{channel,customer,status,reason}}. SMPP and HTTP each own one, with the same label names, so
 * that a query over both channels is one series family. Labels: the channel, a configured customer id, a status name
 * from a fixed table and a reason from a fixed set; never a number or text (DESIGN.md invariant 1).
 */
public final class SubmitMeters {
    private final MeterTable<String, Integer, Timer> answered;
    private final MeterTable<String, Refused, Counter> refused;

    /**
     * @param statusName the label of a status: the command_status name for SMPP, the HTTP status code for HTTP
     */
    public SubmitMeters(MeterRegistry registry, Channel channel, IntFunction<String> statusName) {
        String label = channel.name().toLowerCase(Locale.ROOT);
        this.answered = new MeterTable<>((customer, status) -> Latency.timer("ebb.submit",
                        "time from a submit (submit_sm, data_sm, POST /v1/messages) read to its answer written")
                .tags("channel", label, "customer", customer, "status", statusName.apply(status)).register(registry));
        this.refused = new MeterTable<>((customer, r) -> Counter.builder("ebb.submits.refused")
                .description("submits refused, by the status answered and why")
                .tags("channel", label, "customer", customer, "status", statusName.apply(r.status()), "reason", r.reason())
                .register(registry));
    }

    /** A submit of {@code customer} answered with {@code status}, {@code nanos} after it was read. */
    public void answered(String customer, int status, long nanos) {
        answered.get(customer, status).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A submit of {@code customer} refused with {@code status}; {@code reason} is a kebab-case word of a fixed set. */
    public void refused(String customer, int status, String reason) {
        refused.get(customer, new Refused(status, reason)).increment();
    }

    private record Refused(int status, String reason) {
    }
}
