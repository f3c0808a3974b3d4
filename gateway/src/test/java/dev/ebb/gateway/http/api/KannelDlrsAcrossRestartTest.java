package dev.ebb.gateway.http.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.ebb.gateway.config.EbbConfig;
import dev.ebb.gateway.config.PasswordHash;
import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.DiskSearch;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.TestGateway;
import dev.ebb.metadata.EventType;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issues 13 and 18: a Kannel-style application's final delivery report still owed when Ebb restarts reaches its
 * dlr-url after the restart. Before, the dlr-url was held in memory only: the restarted gateway owed the receipt but
 * had nowhere to report it, and gave it up (RECEIPT_DROPPED).
 */
class KannelDlrsAcrossRestartTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String USERNAME = "kannel-app";
    private static final String PASSWORD = "s3cret-kannel";
    /** Something the application put in its dlr-url: kept, but never readable in the data directory. */
    private static final String APP_TOKEN = "APPTOKEN4790000777";

    @RegisterExtension
    final GatewayFixture gateway = GatewayFixture.unstarted();
    private HttpServer dlrReceiver;

    @AfterEach
    void stopReceiver() {
        if (dlrReceiver != null) {
            dlrReceiver.stop(0);
        }
    }

    @Test
    void aFinalReportTheDlrUrlRefusedIsReportedAfterTheRestartOnceItAnswers() throws Exception {
        AtomicInteger status = new AtomicInteger(500);
        AtomicInteger refused = new AtomicInteger();
        List<String> taken = new CopyOnWriteArrayList<>();
        dlrReceiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        dlrReceiver.createContext("/dlr", exchange -> {
            int answer = status.get();
            if (answer == 200) {
                taken.add(exchange.getRequestURI().getRawQuery());
            } else {
                refused.incrementAndGet();
            }
            exchange.sendResponseHeaders(answer, -1);
            exchange.close();
        });
        dlrReceiver.start();
        String dlrUrl = "http://127.0.0.1:" + dlrReceiver.getAddress().getPort() + "/dlr?type=%d&id=%I&app="
                + APP_TOKEN;
        gateway.start(config());

        HttpResponse<String> sent = gateway.http().send(HttpRequest.newBuilder(gateway.api("/cgi-bin/sendsms?username="
                + USERNAME + "&password=" + PASSWORD + "&from=Ebb&to=4790000001&text=hello&dlr-mask=3&dlr-url="
                + URLEncoder.encode(dlrUrl, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(sent.statusCode()).isEqualTo(202);
        Await.until("the final report refused by the dlr-url", WAIT, () -> refused.get() >= 1);
        gateway.stop();
        assertThat(DiskSearch.filesContaining(gateway.dataDir(), APP_TOKEN.getBytes(StandardCharsets.US_ASCII))).as("the dlr-url is kept sealed").isEmpty();

        status.set(200);
        gateway.start(config());

        Await.until("the final report made after the restart", WAIT, () -> !taken.isEmpty());
        assertThat(taken).hasSize(1);
        assertThat(taken.get(0)).startsWith("type=1&id=").endsWith("&app=" + APP_TOKEN);
        String id = taken.get(0).substring("type=1&id=".length(), taken.get(0).indexOf("&app="));
        Await.until("the report recorded as taken", WAIT,
                () -> gateway.eventsOf(id).contains(EventType.RECEIPT_FORWARDED));
        assertThat(gateway.eventsOf(id)).contains(EventType.RECEIPT_RESENT).doesNotContain(EventType.RECEIPT_DROPPED);
    }

    private EbbConfig config() {
        return TestGateway.builder(gateway.dataDir(), TestGateway.freePort(), true)
                .customer(c -> c.sendsms(USERNAME, PasswordHash.hash(PASSWORD)).allowPrivateCallbacks(true)).build();
    }
}
