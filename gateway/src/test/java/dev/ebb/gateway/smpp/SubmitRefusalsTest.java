package dev.ebb.gateway.smpp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.LogCapture;
import dev.ebb.gateway.testing.TestGateway;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DataCodings;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.SMPPSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 11: a refused submit_sm left no log line, only {@code ebb_smpp_submits_total{status}} moved, so an operator
 * could not tell a customer why. Now each (customer, reason) gets one line per interval and a counter by reason.
 */
class SubmitRefusalsTest {
    private static final String TEXT = "SECRET-TEXT-r7";
    /** 16 digits: no E.164 number. */
    private static final String TOO_LONG = "4790000000000001";

    @RegisterExtension
    final GatewayFixture gateway = GatewayFixture.withSimulator();
    private SMPPSession session;

    @BeforeEach
    void bind() throws Exception {
        session = new SMPPSession();
        session.connectAndBind("127.0.0.1", gateway.smppPort(), new BindParameter(BindType.BIND_TX,
                TestGateway.SYSTEM_ID, TestGateway.PASSWORD, "", TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN,
                null));
    }

    @AfterEach
    void unbind() {
        session.unbindAndClose();
    }

    @Test
    void eachReasonOfACustomerLeavesOneMaskedLineWithoutTheTextAndCountsByReason() throws Exception {
        try (LogCapture log = new LogCapture(SubmitRefusals.class.getName())) {
            for (int i = 0; i < 3; i++) {
                assertThat(status("Test", TOO_LONG)).isEqualTo(0x0B); // ESME_RINVDSTADR
            }
            for (int i = 0; i < 2; i++) {
                assertThat(status("EbbBankNorgeAS", "4790000001")).isEqualTo(0x0A); // ESME_RINVSRCADR
            }

            List<String> lines = log.lines();
            assertThat(lines).hasSize(2);
            assertThat(lines).filteredOn(l -> l.contains("destination-not-e164")).singleElement().asString()
                    .contains("customer " + TestGateway.SYSTEM_ID, "bind " + TestGateway.SYSTEM_ID + " (TRANSMITTER)",
                            "ESME_RINVDSTADR (0x0000000B)", "not an E.164 number", "4790***001");
            assertThat(lines).filteredOn(l -> l.contains("source-alphanumeric-length")).singleElement().asString()
                    .contains("ESME_RINVSRCADR (0x0000000A)", "longer than 11");
            assertThat(String.join("\n", lines)).doesNotContain(TOO_LONG).doesNotContain("47900000")
                    .doesNotContain("4790000001").doesNotContain(TEXT).doesNotContain("EbbBankNorgeAS");
        }
        String metrics = gateway.metrics();
        assertThat(metrics).contains("ebb_submits_refused_total{channel=\"smpp\",customer=\"" + TestGateway.SYSTEM_ID
                        + "\",reason=\"destination-not-e164\",status=\"ESME_RINVDSTADR\"} 3.0")
                .contains("ebb_submits_refused_total{channel=\"smpp\",customer=\"" + TestGateway.SYSTEM_ID
                        + "\",reason=\"source-alphanumeric-length\",status=\"ESME_RINVSRCADR\"} 2.0")
                .doesNotContain(TOO_LONG);
    }

    private int status(String source, String destination) throws Exception {
        try {
            session.submitShortMessage("", TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, source,
                    TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, destination, new ESMClass(), (byte) 0,
                    (byte) 0, null, null, new RegisteredDelivery(0), (byte) 0, DataCodings.ZERO, (byte) 0,
                    TEXT.getBytes(StandardCharsets.US_ASCII));
            return 0;
        } catch (NegativeResponseException e) {
            return e.getCommandStatus();
        }
    }
}
