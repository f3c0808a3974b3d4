package dev.ebb.gateway.conformance;

import static dev.ebb.gateway.conformance.Conformance.ALPHANUMERIC_SENDER;
import static dev.ebb.gateway.conformance.Conformance.HANDSET;
import static dev.ebb.gateway.conformance.Conformance.TEXT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.metadata.EventType;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Kannel 1.4.5 from Debian bound to Ebb as an ESME with its stock SMPP settings: one message through its HTTP sendsms
 * interface must reach the SMSC, and its delivery report must come back matched, so that Kannel calls the message's
 * dlr-url with type 1 (delivered). Skipped, saying so, where the package is not installed; {@code .ci/run} installs it.
 */
class KannelConformanceTest {
    /** Kannel's dlr-mask bits (userguide, "Delivery reports"): 1 delivered, 2 failed, 16 SMSC reject. */
    private static final String DELIVERED = "1";
    private static final String UNDELIVERABLE = "2";
    private static final String SMSC_REJECT = "16";
    @RegisterExtension
    final GatewayFixture gateway = GatewayFixture.withSimulator();

    /** Per test, not per class: Surefire counts a test skipped in @BeforeAll as neither run nor skipped. */
    @BeforeEach
    void kannelIsInstalled() {
        Assumptions.assumeTrue(Kannel.installed(), Kannel.NOT_INSTALLED);
    }

    @Test
    void aMessageSentThroughKannelOnItsStockSettingsIsDeliveredAndItsReportMatched() throws Exception {
        DlrReceiver dlrs = gateway.closeAfter(DlrReceiver.start());
        Kannel kannel = gateway.closeAfter(Kannel.start(gateway.smppPort()));
        kannel.await("Kannel's transceiver is bound to Ebb", () -> gateway.metric("ebb_smpp_sessions") == 1);

        Map<String, String> params = new LinkedHashMap<>();
        params.put("to", HANDSET);
        params.put("from", ALPHANUMERIC_SENDER);
        params.put("text", TEXT);
        params.put("dlr-mask", "31");
        // %d is the report type, %F the SMSC's message id: Ebb's id, from submit_sm_resp.
        params.put("dlr-url", dlrs.url("type=%d&id=%F"));
        AtomicReference<HttpResponse<String>> accepted = new AtomicReference<>();
        kannel.await("smsbox answers sendsms", () -> {
            accepted.set(kannel.sendsms(params));
            return accepted.get() != null;
        });
        assertThat(accepted.get().statusCode()).as(accepted.get().body() + kannel.log()).isEqualTo(202);

        kannel.await("Kannel calls the dlr-url with type 1 (delivered)", () -> {
            Optional<Map<String, String>> failed = dlrs.calls().stream()
                    .filter(c -> SMSC_REJECT.equals(c.get("type")) || UNDELIVERABLE.equals(c.get("type"))).findFirst();
            assertThat(failed).as("a failure report (16: Ebb refused the submit_sm)").isEmpty();
            return dlrs.calls().stream().anyMatch(c -> DELIVERED.equals(c.get("type")));
        });
        String messageId = dlrs.calls().stream().filter(c -> DELIVERED.equals(c.get("type"))).findFirst()
                .orElseThrow().get("id");
        assertThat(gateway.eventsOf(messageId)).contains(EventType.SUBMITTED, EventType.DELIVERED);
        Conformance.assertRecordedAsE164(gateway, messageId);
    }
}
