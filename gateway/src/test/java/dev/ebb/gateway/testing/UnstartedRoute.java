package dev.ebb.gateway.testing;

import dev.ebb.gateway.config.RouteConfig;
import dev.ebb.gateway.config.SmppAccountConfig;
import dev.ebb.gateway.core.MessageIdGenerator;
import dev.ebb.gateway.receipt.ReceiptHandler;
import dev.ebb.gateway.route.Admission;
import dev.ebb.gateway.route.RouteTable;
import dev.ebb.gateway.route.Router;
import dev.ebb.gateway.southbound.SmscConnector;
import dev.ebb.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The accept path with no network: a real vault and metadata store in {@code dir}, every number routed to one
 * connector that is never started, so its queue holds what was dispatched (for fuzzing, which needs many inputs a
 * second and no sockets).
 */
public final class UnstartedRoute implements AutoCloseable {
    public final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    public final PrivacyStores stores;
    public final SmscConnector connector;
    public final Admission admission;

    public UnstartedRoute(Path dir) {
        stores = new PrivacyStores(dir, clock);
        ReceiptHandler receipts = new ReceiptHandler(stores.privacy, stores.outbox, r -> { }, c -> false, clock);
        // The largest queue a connector may have: a fuzzing run accepts hundreds of thousands of messages.
        connector = new SmscConnector(TestConfigs.connector("sim", 1).binds(1).window(1)
                .reconnectMax(Duration.ofSeconds(1)).maxQueued(10_000_000).build(), receipts, clock);
        admission = new Admission(new MessageIdGenerator(clock), new Router(new RouteTable(List.of(
                new RouteConfig("", "sim"))), Map.of("sim", connector), stores.privacy, receipts, clock), stores.privacy,
                () -> true, customer -> SmppAccountConfig.DEFAULT_MAX_SCHEDULED);
    }

    @Override
    public void close() {
        connector.close();
        stores.close();
    }
}
