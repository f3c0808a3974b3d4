package dev.ebb.gateway.http.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.ebb.gateway.testing.Await;
import dev.ebb.testing.MutableClock;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http.HttpMethod;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 18's callback guard where it finally counts, as a connection is opened: the URL of a receiptUrl, moUrl or
 * Kannel dlr-url is checked when it is given, but a host name is resolved again for each connection, and may then
 * point elsewhere (DNS rebinding). Here the endpoint is handed a name that resolves to loopback, as a rebound name
 * would at connect time, and must not connect; the same endpoint allowed private addresses reaches the same server,
 * so it is the guard that refused.
 */
class CallbackGuardAtConnectTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<WebhookEndpoint.Outcome> outcomes = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private WebhookEndpoint<String> endpoint;

    @BeforeEach
    void startServer() throws Exception {
        // Where "localhost" resolves first (127.0.0.1 or ::1), so the allowed endpoint reaches it whichever it is.
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("localhost"), 0), 0);
        server.createContext("/", exchange -> {
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        if (endpoint != null) {
            endpoint.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        server.stop(0);
    }

    @Test
    void aNameResolvingToLoopbackIsNotConnectedTo() {
        endpoint = endpoint(false);

        endpoint.forward(new WebhookEndpoint.Pending<>("dlr", "m1", new byte[0]));

        Await.until("the post's outcome", WAIT, () -> !outcomes.isEmpty());
        assertThat(outcomes.get(0)).isEqualTo(WebhookEndpoint.Outcome.CONNECTION);
        assertThat(endpoint.connections()).isZero();
        assertThat(requests).isEmpty();
    }

    @Test
    void theSameNameIsReachedWhenPrivateAddressesAreAllowed() {
        endpoint = endpoint(true);

        endpoint.forward(new WebhookEndpoint.Pending<>("dlr", "m1", new byte[0]));

        Await.until("the post's outcome", WAIT, () -> !outcomes.isEmpty());
        assertThat(outcomes.get(0)).isEqualTo(WebhookEndpoint.Outcome.DELIVERED);
        assertThat(requests).containsExactly("GET /dlr?type=1");
    }

    private WebhookEndpoint<String> endpoint(boolean allowPrivate) {
        URI url = URI.create("http://localhost:" + server.getAddress().getPort() + "/dlr?type=1");
        return new WebhookEndpoint<>(new WebhookEndpoint.Target("acme", "delivery report", url, HttpMethod.GET, null,
                1, 1, 10, Duration.ofSeconds(5), allowPrivate, "dropped", "set aside"), null, group.next(), clock,
                new WebhookEndpoint.Outcomes<>() {
                    @Override
                    public void posted(String customer, WebhookEndpoint.Outcome outcome, long nanos) {
                        outcomes.add(outcome);
                    }

                    @Override
                    public void delivered(WebhookEndpoint.Pending<String> item) {
                    }

                    @Override
                    public void givenUp(WebhookEndpoint.Pending<String> item) {
                    }

                    @Override
                    public void setAside(WebhookEndpoint.Pending<String> item) {
                    }

                    @Override
                    public Instant giveUpAt(WebhookEndpoint.Pending<String> item) {
                        return clock.instant().plus(Duration.ofHours(1));
                    }
                });
    }
}
