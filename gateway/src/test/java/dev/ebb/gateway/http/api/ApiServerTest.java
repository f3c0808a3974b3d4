package dev.ebb.gateway.http.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.gateway.config.HashedTokens;
import dev.ebb.gateway.http.ListenerRefusals;
import io.netty.channel.ChannelHandler;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class ApiServerTest {
    /** Issue 12: a new connection built a new API handler; only the aggregator holds a connection's state. */
    @Test
    void aNewConnectionGetsItsOwnAggregatorAndSharesTheStatelessHandlers() {
        ApiHandler handler = new ApiHandler(null, null, new HashedTokens<>(Map.of()), status -> { });
        Supplier<List<ChannelHandler>> handlers = ApiServer.connectionHandlers(handler, ListenerRefusals.NONE);

        List<ChannelHandler> first = handlers.get();
        List<ChannelHandler> second = handlers.get();

        assertThat(first.get(0)).isNotSameAs(second.get(0));
        assertThat(first.get(1)).isSameAs(second.get(1));
        assertThat(first.get(2)).isSameAs(handler).isSameAs(second.get(2));
        assertThat(first.subList(1, 3)).allMatch(h -> h.getClass().isAnnotationPresent(ChannelHandler.Sharable.class));
    }
}
