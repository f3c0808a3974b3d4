package dev.ebb.gateway.southbound;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.gateway.config.SmscClient;
import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.EsmeClient;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.JsmppSubmit;
import dev.ebb.gateway.testing.TestGateway;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 12: a connector's {@code tps} holds per bind, as an operator counts it, at the SMSC's socket: 100 messages
 * over two binds at 20 a second each arrive, on each connection, at 20 a second over the bind's run (at least 90 % of the
 * time its count needs) and never more than 30 in any second (room for the bunching of writes on a loaded machine). Not a
 * speed test: only that the limit is not exceeded. Both clients share the limiter, so both are checked.
 */
class BindTpsTest {
    private static final int TPS = 20;
    private static final int MESSAGES = 100;
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private RawSmsc smsc;

    @RegisterExtension
    final GatewayFixture gateway = GatewayFixture.unstarted();

    @BeforeEach
    void startSmsc() throws Exception {
        smsc = new RawSmsc();
    }

    @AfterEach
    void stopSmsc() throws Exception {
        gateway.stop();
        smsc.close();
    }

    @ParameterizedTest
    @EnumSource(SmscClient.class)
    void noBindSendsMoreThanItsTpsInAnySecond(SmscClient client) throws Exception {
        gateway.start(TestGateway.builder(gateway.dataDir(), smsc.port(), false)
                .connector(c -> c.client(client).binds(2).tps(TPS)).build());
        EsmeClient esme = gateway.esme();
        for (int i = 0; i < MESSAGES; i++) {
            esme.submit(JsmppSubmit.to("+47900008" + String.format("%02d", i))
                    .shortMessage("tps".getBytes(StandardCharsets.US_ASCII)));
        }

        Await.until(MESSAGES + " submit_sm at the SMSC", Duration.ofSeconds(60),
                () -> smsc.arrivals().size() >= MESSAGES);
        Map<Integer, List<Long>> byConnection = smsc.arrivals().stream().collect(Collectors.groupingBy(
                RawSmsc.Arrival::connection, Collectors.mapping(RawSmsc.Arrival::nanos, Collectors.toList())));
        for (List<Long> arrivals : byConnection.values()) {
            // A write delayed on a loaded machine reaches the socket together with the next: room for that bunching.
            assertThat(mostInOneSecond(arrivals)).as("submit_sm in any one second on one bind")
                    .isLessThanOrEqualTo(TPS * 3 / 2);
            long span = arrivals.stream().max(Long::compare).orElseThrow() - arrivals.stream().min(Long::compare)
                    .orElseThrow();
            assertThat(span).as("nanoseconds from a bind's first submit_sm to its last: its %d at %d a second",
                    arrivals.size(), TPS).isGreaterThanOrEqualTo((arrivals.size() - 1) * SECOND / TPS * 9 / 10);
        }
        List<Long> all = smsc.arrivals().stream().map(RawSmsc.Arrival::nanos).sorted().toList();
        assertThat(all.get(all.size() - 1) - all.get(0)).as("nanoseconds from the first submit_sm to the last")
                .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(2_000));
    }

    /** The most arrivals within any window [t, t + 1 s) that starts at an arrival. */
    private static int mostInOneSecond(List<Long> arrivals) {
        List<Long> sorted = arrivals.stream().sorted().toList();
        int most = 0;
        int end = 0;
        for (int start = 0; start < sorted.size(); start++) {
            while (end < sorted.size() && sorted.get(end) - sorted.get(start) < SECOND) {
                end++;
            }
            most = Math.max(most, end - start);
        }
        return most;
    }
}
