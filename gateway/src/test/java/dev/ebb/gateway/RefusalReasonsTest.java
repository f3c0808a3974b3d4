package dev.ebb.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.gateway.testing.EsmeClient;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.Scrape;
import dev.ebb.gateway.testing.TestGateway;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.jsmpp.extra.NegativeResponseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14: a refused submit is counted with why, on both channels, in {@code ebb_submits_refused_total}: over the
 * customer's rate (refused by the SMPP session itself, before ingress sees it) and the route's queue full.
 */
class RefusalReasonsTest {
    private static final int ESME_RTHROTTLED = 0x58;
    private static final int ESME_RMSGQFUL = 0x14;

    @RegisterExtension
    final GatewayFixture gateway = GatewayFixture.unstarted();

    @Test
    void submitsOverTheCustomersRateAreCountedAsThrottled() throws Exception {
        gateway.start(TestGateway.builder(gateway.dataDir(), TestGateway.freePort(), true).tps(1).build());
        EsmeClient esme = gateway.esme();
        int throttled = 0;
        for (int i = 0; i < 6; i++) {
            throttled += status(esme, "+4790000501") == ESME_RTHROTTLED ? 1 : 0;
        }
        int tooMany = 0;
        for (int i = 0; i < 3; i++) {
            tooMany += post("+4790000502").statusCode() == 429 ? 1 : 0;
        }

        assertThat(throttled).as("6 submits within a second at 1 per second").isPositive();
        assertThat(tooMany).isPositive();
        Scrape metrics = Scrape.of(gateway.metrics());
        assertThat(metrics.value("ebb_submits_refused_total", "channel", "smpp", "customer", TestGateway.SYSTEM_ID,
                "status", "ESME_RTHROTTLED", "reason", "throttled")).isEqualTo(throttled);
        assertThat(metrics.value("ebb_submit_seconds_count", "channel", "smpp", "status", "ESME_RTHROTTLED"))
                .as("the session's own answers are timed too").isEqualTo(throttled);
        assertThat(metrics.value("ebb_submits_refused_total", "channel", "http", "customer", TestGateway.SYSTEM_ID,
                "status", "429", "reason", "throttled")).isEqualTo(tooMany);
    }

    @Test
    void submitsToAFullQueueAreCountedAsQueueFull() throws Exception {
        // No SMSC: three messages fill the connector's queue.
        gateway.start(TestGateway.builder(gateway.dataDir(), TestGateway.freePort(), false).maxQueued(3).build());
        EsmeClient esme = gateway.esme();
        for (int i = 0; i < 3; i++) {
            assertThat(status(esme, "+4790000503")).isZero();
        }
        assertThat(status(esme, "+4790000503")).isEqualTo(ESME_RMSGQFUL);
        assertThat(post("+4790000504").statusCode()).isEqualTo(503);

        Scrape metrics = Scrape.of(gateway.metrics());
        assertThat(metrics.value("ebb_submits_refused_total", "channel", "smpp", "customer", TestGateway.SYSTEM_ID,
                "status", "ESME_RMSGQFUL", "reason", "queue-full")).isEqualTo(1);
        assertThat(metrics.value("ebb_submits_refused_total", "channel", "http", "customer", TestGateway.SYSTEM_ID,
                "status", "503", "reason", "queue-full")).isEqualTo(1);
    }

    private static int status(EsmeClient esme, String to) throws Exception {
        try {
            esme.submit(to, "MARKER-Rr14t", StandardCharsets.ISO_8859_1, (byte) 0x03);
            return 0;
        } catch (NegativeResponseException e) {
            return e.getCommandStatus();
        }
    }

    private HttpResponse<String> post(String to) throws Exception {
        return gateway.http().send(HttpRequest.newBuilder(gateway.api("/v1/messages"))
                .header("Authorization", "Bearer " + TestGateway.API_KEY)
                .POST(HttpRequest.BodyPublishers.ofString("{\"to\":\"" + to + "\",\"from\":\"Acme\",\"text\":\"x\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
