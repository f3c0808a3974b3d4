package dev.ebb.gateway.http.api;

import dev.ebb.gateway.core.SubmitMeters;
import dev.ebb.metadata.Channel;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The customer API's meters: {@code ebb_http_requests_total{status}} for every answer, and for messages sent the HTTP
 * channel's {@code ebb_submit_seconds} and {@code ebb_submits_refused_total}, the status label the HTTP status code.
 */
public final class ApiMetrics implements ApiAnswers {
    private final MeterRegistry registry;
    private final Map<Integer, Counter> requests = new ConcurrentHashMap<>();
    private final SubmitMeters submits;

    public ApiMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.submits = new SubmitMeters(registry, Channel.HTTP, Integer::toString);
        // Series an alert watches exist from the start, at 0: a rate needs two samples.
        for (int status : new int[] {500, 503}) {
            requests(status);
        }
    }

    @Override
    public void answered(int status) {
        requests(status).increment();
    }

    private Counter requests(int status) {
        Counter counter = requests.get(status);
        return counter != null ? counter : requests.computeIfAbsent(status, s -> Counter.builder("ebb.http.requests")
                .description("customer API answers, by HTTP status").tag("status", Integer.toString(s))
                .register(registry));
    }

    @Override
    public void sent(String customer, int status, String reason, long nanos) {
        submits.answered(customer, status, nanos);
        if (reason != null) {
            submits.refused(customer, status, reason);
        }
    }
}
