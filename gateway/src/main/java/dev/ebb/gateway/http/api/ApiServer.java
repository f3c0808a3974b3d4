package dev.ebb.gateway.http.api;

import dev.ebb.gateway.config.CustomerConfig;
import dev.ebb.gateway.config.HashedTokens;
import dev.ebb.gateway.config.ListenerConfig;
import dev.ebb.gateway.http.BodyLimitAggregator;
import dev.ebb.gateway.http.HttpListener;
import dev.ebb.gateway.http.ListenerRefusals;
import dev.ebb.gateway.http.WipeBodies;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoopGroup;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The customer HTTP API listener (port 8080 by default): customers that do not speak SMPP send messages here and
 * read back their state. Requests are small; a body over {@value #MAX_BODY_BYTES} bytes gets 413.
 */
public final class ApiServer {
    /** Largest request body: a 255-segment UCS-2 text, escaped as JSON, fits well within it. */
    public static final int MAX_BODY_BYTES = 256 * 1024;

    private ApiServer() {
    }

    /**
     * Binds the listener; closing it stops listening (the group belongs to the caller).
     *
     * @param customers whose API keys it takes
     * @param api       what the requests of an authenticated customer do
     * @param sendsms   Kannel's /cgi-bin/sendsms for the customers with {@code sendsms} credentials
     * @param keys      the answers remembered for {@code Idempotency-Key}s
     * @param durable   completes once what was written before the call is durable (the group commit, forcing
     *                  {@code keys} too)
     * @param answers   told of every answer, and of each message sent (metrics)
     * @param group     the event loop group its connections run on
     */
    public static HttpListener start(ListenerConfig config, List<CustomerConfig> customers, MessageApi api,
                                     SendSmsDoor sendsms, IdempotencyStore keys,
                                     Supplier<CompletableFuture<Void>> durable, ApiAnswers answers,
                                     EventLoopGroup group) throws InterruptedException {
        Map<String, CustomerConfig> byHash = new LinkedHashMap<>();
        customers.forEach(c -> c.apiKeys().forEach(k -> byHash.put(k.sha256(), c)));
        HashedTokens<CustomerConfig> apiKeys = new HashedTokens<>(byHash);
        // What the listener and the aggregator refuse before the handler sees it is counted like its own answers.
        ListenerRefusals counted = (ctx, request, problem) -> {
            answers.answered(problem.status());
            return null;
        };
        return HttpListener.bind(config, group, Optional.empty(), "api", counted,
                connectionHandlers(new ApiHandler(api, new IdempotentPosts(keys, durable), apiKeys, answers, sendsms),
                        counted));
    }

    /**
     * What each connection gets after the codec: its own aggregator (it holds the request being gathered), the
     * stateless handlers shared, so that a new connection builds no more than it must.
     */
    static Supplier<List<ChannelHandler>> connectionHandlers(ApiHandler handler, ListenerRefusals refusals) {
        WipeBodies wipe = new WipeBodies();
        return () -> List.of(new BodyLimitAggregator(MAX_BODY_BYTES, refusals), wipe, handler);
    }
}
