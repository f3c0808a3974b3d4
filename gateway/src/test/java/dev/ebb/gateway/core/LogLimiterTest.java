package dev.ebb.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.gateway.testing.Await;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LogLimiterTest {
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final List<String> lines = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void eventsAfterALineAreReportedWhenTheIntervalEndsEvenIfNoMoreFollow() {
        LogLimiter limiter = new LogLimiter(Clock.systemUTC(), Duration.ofMillis(200), scheduler,
                (events, last) -> lines.add(events + " " + last));
        limiter.count("a");
        limiter.count("b");
        limiter.count("c");

        assertThat(lines).containsExactly("1 a");
        Await.until("the rest is reported", Duration.ofSeconds(5), () -> lines.size() == 2);
        assertThat(lines).containsExactly("1 a", "2 c");
    }
}
