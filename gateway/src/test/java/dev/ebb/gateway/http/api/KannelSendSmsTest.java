package dev.ebb.gateway.http.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.ebb.gateway.config.PasswordHash;
import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.KannelClient;
import dev.ebb.gateway.testing.TestGateway;
import dev.ebb.testing.MutableClock;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 18: an application written for Kannel sends through {@code /cgi-bin/sendsms} unchanged, with curl and
 * Kannel's own query string, gets Kannel's answers (compared with Kannel 1.4.5's smsbox) and its delivery reports on
 * its dlr-url with Kannel's escapes filled in, the text's never.
 */
class KannelSendSmsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String USERNAME = "kannel-app";
    private static final String PASSWORD = "s3cret-kannel";

    @RegisterExtension
    final GatewayFixture gateway = GatewayFixture.unstarted();
    private HttpServer dlrReceiver;
    private final List<String> dlrs = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startReceiver() throws IOException {
        dlrReceiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        dlrReceiver.createContext("/dlr", exchange -> {
            dlrs.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawQuery());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        dlrReceiver.start();
    }

    @AfterEach
    void stopReceiver() {
        dlrReceiver.stop(0);
    }

    private void start(boolean allowPrivateCallbacks) throws InterruptedException {
        gateway.start(TestGateway.builder(gateway.dataDir(), TestGateway.freePort(), true)
                .customer(c -> c.sendsms(USERNAME, PasswordHash.hash(PASSWORD))
                        .allowPrivateCallbacks(allowPrivateCallbacks)).build());
    }

    @Test
    void aKannelClientSendsAndGetsItsDeliveryReportsOnItsDlrUrl() throws Exception {
        start(true);
        String dlrUrl = "http://127.0.0.1:" + dlrReceiver.getAddress().getPort()
                + "/dlr?type=%d&to=%p&from=%P&ts=%T&reply=%A&id=%I&user=%n&text=%a";
        // What a PHP application written for Kannel builds: every parameter urlencode()d, dlr-url included.
        String query = "username=" + USERNAME + "&password=" + PASSWORD + "&from=Ebb&to=4790000001"
                + "&text=" + enc("Your code is 4711 MARKER-K18") + "&dlr-mask=31&dlr-url=" + enc(dlrUrl);

        String[] answer = kannelClient("/cgi-bin/sendsms?" + query);

        assertThat(answer[0]).isEqualTo("202");
        assertThat(answer[1]).isEqualTo("0: Accepted for delivery");
        Await.until("the SMSC-accepted and the delivered report", WAIT, () -> dlrs.size() >= 2);
        Map<String, Map<String, String>> byType = new HashMap<>();
        for (String d : dlrs) {
            assertThat(d).startsWith("GET ").doesNotContain("MARKER").doesNotContain("4711");
            Map<String, String> p = params(d.substring(4));
            byType.put(p.get("type"), p);
        }
        assertThat(byType).containsOnlyKeys("8", "1");
        Map<String, String> delivered = byType.get("1");
        assertThat(delivered.get("to")).isEqualTo("4790000001");
        assertThat(delivered.get("from")).isEqualTo("Ebb");
        assertThat(delivered.get("user")).isEqualTo(USERNAME);
        assertThat(delivered.get("text")).isEmpty();
        assertThat(delivered.get("reply")).contains("stat:DELIVRD").contains("id:" + delivered.get("id"));
        assertThat(Long.parseLong(delivered.get("ts"))).isCloseTo(Instant.now().getEpochSecond(),
                org.assertj.core.data.Offset.offset(60L));
        assertThat(byType.get("8").get("reply")).isEqualTo("ACK/");
        // Recorded once the dlr-url's 200 is read, which the receiver sends after it kept the request.
        Await.until("the delivered report recorded as forwarded", WAIT, () -> gateway.eventsOf(delivered.get("id"))
                .contains(dev.ebb.metadata.EventType.RECEIPT_FORWARDED));
    }

    @Test
    void aWrongPasswordGetsKannelsAuthorizationFailed() throws Exception {
        start(true);

        String[] answer = kannelClient("/cgi-bin/sendsms?username=" + USERNAME
                + "&password=wrong&from=Ebb&to=4790000001&text=hi");

        assertThat(answer[0]).isEqualTo("403");
        assertThat(answer[1]).isEqualTo("Authorization failed for sendsms");
    }

    /**
     * A Kannel application sends its password with every request, so a guesser could try one per request, each a
     * PBKDF2 derivation on the event loop, as fast as the loop would derive: wrong passwords are throttled per
     * username and client address as SMPP binds are, the right one refused too during the lock (else its quick
     * answer would tell the guesser it was right).
     */
    @Test
    void wrongPasswordsAreThrottledAsSmppBindsAre() throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        gateway.start(TestGateway.builder(gateway.dataDir(), TestGateway.freePort(), true)
                .customer(c -> c.sendsms(USERNAME, PasswordHash.hash(PASSWORD))).build(), clock);
        String send = "&from=Ebb&to=4790000001&text=hi";

        for (int i = 0; i < 5; i++) {
            assertThat(kannelClient("/cgi-bin/sendsms?username=" + USERNAME + "&password=guess" + i + send))
                    .containsExactly("403", "Authorization failed for sendsms");
        }
        String right = "/cgi-bin/sendsms?username=" + USERNAME + "&password=" + PASSWORD + send;
        assertThat(kannelClient(right)).containsExactly("403", "Authorization failed for sendsms");
        clock.advance(Duration.ofSeconds(2));
        assertThat(kannelClient(right)).containsExactly("202", "0: Accepted for delivery");
    }

    @Test
    void aPostWithKannelsHeadersIsSentToo() throws Exception {
        start(true);

        HttpResponse<String> r = gateway.http().send(HttpRequest.newBuilder(gateway.api("/cgi-bin/sendsms"))
                .header("Content-Type", "text/plain; charset=utf-8").header("X-Kannel-Username", USERNAME)
                .header("X-Kannel-Password", PASSWORD).header("X-Kannel-To", "4790000001")
                .header("X-Kannel-From", "Ebb").POST(HttpRequest.BodyPublishers.ofString("Grüße")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(r.body()).isEqualTo("0: Accepted for delivery");
    }

    @Test
    void missingAndMalformedFieldsGetKannelsWords() throws Exception {
        start(true);
        String auth = "/cgi-bin/sendsms?username=" + USERNAME + "&password=" + PASSWORD;

        assertThat(kannelClient(auth + "&from=Ebb&text=hi")).containsExactly("400", "Missing receiver number, rejected");
        assertThat(kannelClient(auth + "&from=Ebb&to=&text=hi"))
                .containsExactly("400", "Empty receiver number not allowed, rejected");
        assertThat(kannelClient(auth + "&to=4790000001&text=hi"))
                .containsExactly("400", "Sender missing and no global set, rejected");
        assertThat(kannelClient(auth + "&from=Ebb&to=4790000001&text=hi&coding=7"))
                .containsExactly("400", "Coding field misformed, rejected");
        assertThat(kannelClient(auth + "&from=Ebb&to=4790000001&text=hi&udh=%06%05%04"))
                .containsExactly("400", "UDH field misformed, rejected");
        assertThat(kannelClient(auth + "&from=Ebb&to=4790000001&text=hi&dlr-mask=1&dlr-url=ftp%3A%2F%2Fx%2F"))
                .containsExactly("400", "DLR-URL field misformed, rejected");
    }

    @Test
    void aDlrUrlToAPrivateAddressIsRefusedUnlessTheCustomerAllowsIt() throws Exception {
        start(false);
        String auth = "/cgi-bin/sendsms?username=" + USERNAME + "&password=" + PASSWORD
                + "&from=Ebb&to=4790000001&text=hi&dlr-mask=3&dlr-url=";

        for (String url : List.of("http://127.0.0.1:" + dlrReceiver.getAddress().getPort() + "/dlr?t=%d",
                "http://169.254.169.254/latest/meta-data", "http://10.1.2.3/dlr", "http://[::1]/dlr",
                "http://localhost/dlr")) {
            assertThat(kannelClient(auth + enc(url))).as(url)
                    .containsExactly("400", "DLR-URL field misformed, rejected");
        }
        assertThat(dlrs).isEmpty();
    }

    /**
     * An escape in the host or port was checked with a digit in its place and filled per report: {@code %T} made each
     * report's origin new (an endpoint each, never closed, past MAX_ENDPOINTS), and {@code 1%d7.0.0.1} passed the
     * request's check as 107.0.0.1 to become 127.0.0.1 for type 2.
     */
    @Test
    void aDlrUrlWithAnEscapeInItsHostOrPortIsRefused() throws Exception {
        start(false);
        String auth = "/cgi-bin/sendsms?username=" + USERNAME + "&password=" + PASSWORD
                + "&from=Ebb&to=4790000001&text=hi&dlr-mask=3&dlr-url=";

        for (String url : List.of("http://h%T.example.com/dlr", "http://1%d7.0.0.1/dlr", "http://example.com:8%d/dlr")) {
            assertThat(kannelClient(auth + enc(url))).as(url)
                    .containsExactly("400", "DLR-URL field misformed, rejected");
        }
        // Through the client that checks each exchange against the document, whose coding and dlr-mask are integers.
        HttpResponse<String> r = gateway.http().send(HttpRequest.newBuilder(gateway.api(auth.replace("text=hi&",
                "text=hi&coding=0&") + enc("http://example.com/dlr?t=%d&s=%%&ts=%T"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(202);
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static Map<String, String> params(String query) {
        Map<String, String> out = new HashMap<>();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            out.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    private String[] kannelClient(String pathAndQuery) throws Exception {
        return KannelClient.get(gateway.http(), gateway.apiPort(), pathAndQuery);
    }
}
