package dev.ebb.gateway.smpp;

import dev.ebb.gateway.testing.RawSmppClient;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.gateway.core.BindType;
import dev.ebb.gateway.core.SmppAddress;
import dev.ebb.gateway.smpp.pdu.CommandStatus;
import dev.ebb.gateway.smpp.pdu.Pdu;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.LogCapture;
import dev.ebb.gateway.testing.TestGateway;
import java.nio.charset.StandardCharsets;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.SMPPSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A customer's unbind against the whole gateway (SMPP 3.4 §4.2: the ESME that sent unbind closes the connection).
 * Ebb used to close as soon as unbind_resp was written; jSMPP's reader then sometimes took the connection's end
 * before its answer, logged "Unbind response timeout" and waited out its 2 s transaction timer (seen in
 * {@code ebb send} and every test teardown; 5 of 60 unbinds here).
 */
class UnbindTest {
    /** Enough unbinds that the race, hit about once in twelve, shows with near certainty. */
    private static final int UNBINDS = 60;

    @RegisterExtension
    final GatewayFixture gateway = GatewayFixture.withSimulator();

    @Test
    void aJsmppClientThatUnbindsAlwaysGetsItsUnbindResp() throws Exception {
        try (LogCapture jsmpp = new LogCapture("org.jsmpp.session.AbstractSession")) {
            for (int i = 0; i < UNBINDS; i++) {
                SMPPSession session = new SMPPSession();
                session.connectAndBind("127.0.0.1", gateway.smppPort(), new BindParameter(
                        org.jsmpp.bean.BindType.BIND_TRX, TestGateway.SYSTEM_ID, TestGateway.PASSWORD, "",
                        TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null));
                session.unbindAndClose();
            }

            assertThat(jsmpp.lines()).noneMatch(line -> line.contains("Unbind response timeout"));
        }
    }

    @Test
    void afterItsUnbindRespTheConnectionIsLeftForTheCustomerToCloseAndTakesNoMoreSubmits() throws Exception {
        try (RawSmppClient raw = bound(new RawSmppClient(gateway.smppPort()))) {
            raw.send(new Pdu.Unbind(2));
            assertThat(raw.read()).isEqualTo(new Pdu.UnbindResp(2, CommandStatus.ESME_ROK));

            raw.send(Pdu.SubmitSm.builder().sequenceNumber(3).source(SmppAddress.international("4790000001"))
                    .destination(SmppAddress.international("4790000002"))
                    .shortMessage("late".getBytes(StandardCharsets.US_ASCII)).build());
            // §5.1.3 ESME_RINVBNDSTS: the session is no longer bound.
            assertThat(raw.read()).isEqualTo(new Pdu.SubmitSmResp(3, CommandStatus.ESME_RINVBNDSTS, ""));
        }
    }

    @Test
    void aCustomerThatNeverClosesAfterUnbindingIsClosedByEbb() throws Exception {
        try (RawSmppClient raw = bound(new RawSmppClient(gateway.smppPort()))) {
            raw.send(new Pdu.Unbind(2));
            raw.read();

            assertThat(raw.closedByPeer()).as("closed within the grace of "
                    + SmppSessionHandler.UNBIND_GRACE_MILLIS + " ms").isTrue();
        }
    }

    private static RawSmppClient bound(RawSmppClient client) throws Exception {
        client.send(new Pdu.Bind(BindType.TRANSCEIVER, 1, TestGateway.SYSTEM_ID, TestGateway.PASSWORD, "", (byte) 0x34,
                (byte) 0, (byte) 0, ""));
        assertThat(((Pdu.BindResp) client.read()).commandStatus()).isZero();
        return client;
    }
}
