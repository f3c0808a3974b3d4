package dev.ebb.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.JsmppSubmit;
import dev.ebb.gateway.testing.TestGateway;
import dev.ebb.metadata.EventType;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.SMPPSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/** {@code ebb send} against a running gateway. */
class SendCommandTest {
    @RegisterExtension
    final GatewayFixture gateway = GatewayFixture.withSimulator();

    /** Issue 9 item 16: a receipt already waiting for the customer was printed as the new message's. */
    @Test
    void printsTheReceiptOfItsOwnMessageWhenAnotherIsAlreadyWaiting() throws Exception {
        String older = submitFromTransmitter(gateway.smppPort());
        // A transmitter receives nothing: the older message's receipt waits for the customer's next receiver.
        Await.until("older message delivered", Duration.ofSeconds(20),
                () -> gateway.eventsOf(older).contains(EventType.DELIVERED));
        StringWriter out = new StringWriter();

        int exit = new CommandLine(new SendCommand()).setOut(new PrintWriter(out, true)).execute(
                "--port", Integer.toString(gateway.smppPort()), "--system-id", TestGateway.SYSTEM_ID,
                "--password", TestGateway.PASSWORD, "--to", "+4790000161", "--text", "hello", "--wait", "20");

        assertThat(exit).as(out.toString()).isZero();
        Matcher accepted = Pattern.compile("accepted: message id (\\S+)").matcher(out.toString());
        assertThat(accepted.find()).as(out.toString()).isTrue();
        String own = accepted.group(1);
        assertThat(own).isNotEqualTo(older);
        assertThat(out.toString()).contains("receipt:  id:" + own + " ").doesNotContain("id:" + older);
    }

    private static String submitFromTransmitter(int port) throws Exception {
        SMPPSession session = new SMPPSession();
        try {
            session.connectAndBind("127.0.0.1", port, new BindParameter(BindType.BIND_TX, TestGateway.SYSTEM_ID,
                    TestGateway.PASSWORD, "", TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null));
            return JsmppSubmit.to("4790000160").registeredDelivery(1).dataCoding((byte) 0x03)
                    .shortMessage("older".getBytes(StandardCharsets.ISO_8859_1)).submit(session);
        } finally {
            session.unbindAndClose();
        }
    }
}
