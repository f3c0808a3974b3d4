package dev.ebb.gateway.http;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether the gateway can do its job, check by check, as {@code GET /health/ready} answers it and the gauges
 * {@code ebb_ready} and {@code ebb_ready_check{check}} show it: each check is named (a fixed name, or a configured
 * connector's) and says why it is not ready, in words without content or numbers of people.
 *
 * <p>The checks are given once, at wiring, and read from the metrics listener's event loop and at each scrape; each
 * must be cheap (a flag, a count), never a file read or a network call.
 */
public final class Readiness implements MeterBinder {
    /** One check: empty while ready, else why not. */
    @FunctionalInterface
    public interface Check {
        Optional<String> notReady();
    }

    /** The outcome of every check, in the order they were given: why each is not ready, empty for those that are. */
    public record Report(Map<String, Optional<String>> checks) {
        public boolean ready() {
            return checks.values().stream().allMatch(Optional::isEmpty);
        }

        /** The checks that are not ready, in order. */
        public List<String> notReady() {
            return checks.entrySet().stream().filter(e -> e.getValue().isPresent()).map(Map.Entry::getKey).toList();
        }
    }

    private final Map<String, Check> checks;

    /** @param checks by name, in the order reports list them */
    public Readiness(Map<String, Check> checks) {
        this.checks = new LinkedHashMap<>(checks);
    }

    public Report report() {
        Map<String, Optional<String>> outcome = new LinkedHashMap<>();
        checks.forEach((name, check) -> outcome.put(name, check.notReady()));
        return new Report(outcome);
    }

    /** 1 while every check is ready, else 0; and 1 or 0 per check. */
    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("ebb.ready", this, r -> r.report().ready() ? 1 : 0)
                .description("1 while every readiness check passes (GET /health/ready answers 200), else 0")
                .register(registry);
        checks.forEach((name, check) -> Gauge.builder("ebb.ready.check", check, c -> c.notReady().isEmpty() ? 1 : 0)
                .tag("check", name).description("1 while the readiness check passes, else 0").register(registry));
    }
}
