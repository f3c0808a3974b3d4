package dev.ebb.gateway.smpp;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudhopper.smpp.SmppBindType;
import com.cloudhopper.smpp.SmppSession;
import com.cloudhopper.smpp.SmppSessionConfiguration;
import com.cloudhopper.smpp.impl.DefaultSmppClient;
import com.cloudhopper.smpp.impl.DefaultSmppSessionHandler;
import com.cloudhopper.smpp.pdu.SubmitSm;
import com.cloudhopper.smpp.pdu.SubmitSmResp;
import com.cloudhopper.smpp.type.Address;
import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.EsmeClient;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.TestGateway;
import dev.ebb.metadata.EventType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.jsmpp.bean.DataCodings;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.session.DataSmResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 11, the operations customers use, over real sockets against a whole gateway with its embedded simulator:
 * error responses as clients parse them, data_sm, query_sm, cancel_sm and replace_sm of messages already at the
 * SMSC, and schedule_delivery_time refusals.
 */
class CustomerOperationsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    @RegisterExtension
    final GatewayFixture gateway = GatewayFixture.withSimulator();

    private final DefaultSmppClient cloudhopper = new DefaultSmppClient();

    @AfterEach
    void closeCloudhopper() {
        cloudhopper.destroy();
    }

    /**
     * Issue 11: an error submit_sm_resp carries message_id as one NUL (SMPP 3.4 §4.4.2's field); Cloudhopper reads
     * the field when it is there (an empty id) and reads null when the body is missing. An unsupported data_coding
     * is 0x45 ESME_RSUBMITFAIL: SMPP 3.4 §5.1.3 defines no status for data_coding (0x104 is SMPP 5.0's).
     */
    @Test
    void anUnsupportedDataCodingIsRefusedWithSubmitFailAndAnEmptyMessageId() throws Exception {
        SmppSession session = cloudhopper();
        SubmitSm submit = new SubmitSm();
        submit.setSourceAddress(new Address((byte) 5, (byte) 0, "Acme"));
        submit.setDestAddress(new Address((byte) 1, (byte) 1, "4790000001"));
        submit.setDataCoding((byte) 0x05);
        submit.setShortMessage("x".getBytes(StandardCharsets.US_ASCII));

        SubmitSmResp resp = session.submit(submit, 5_000);

        assertThat(resp.getCommandStatus()).isEqualTo(0x45);
        assertThat(resp.getCommandLength()).isEqualTo(17);
        assertThat(resp.getMessageId()).isEmpty();
    }

    /** SMPP 3.4 §4.7: a data_sm is a message to send; its content is message_payload and its answer data_sm_resp. */
    @Test
    void aDataSmIsSentLikeASubmitAndGetsItsReceipt() throws Exception {
        EsmeClient esme = gateway.esme();

        DataSmResult result = esme.session().dataShortMessage("", TypeOfNumber.ALPHANUMERIC,
                NumberingPlanIndicator.UNKNOWN, "Acme", TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN,
                "4790000001", new ESMClass(), new RegisteredDelivery(1), DataCodings.ZERO,
                new OptionalParameter.OctetString(OptionalParameter.Tag.MESSAGE_PAYLOAD.code(),
                        "sent as data_sm".getBytes(StandardCharsets.ISO_8859_1)));
        String id = result.getMessageId();

        Await.until("the receipt for " + id, WAIT, () -> esme.receiptFor(id) != null);
        assertThat(new String(esme.receiptFor(id).getShortMessage(), StandardCharsets.US_ASCII))
                .startsWith("id:" + id + " ").contains("stat:DELIVRD");
        assertThat(gateway.eventsOf(id)).startsWith(EventType.ACCEPTED).contains(EventType.DELIVERED);
    }

    private SmppSession cloudhopper() throws Exception {
        SmppSessionConfiguration config = new SmppSessionConfiguration(SmppBindType.TRANSCEIVER, TestGateway.SYSTEM_ID,
                TestGateway.PASSWORD);
        config.setHost("127.0.0.1");
        config.setPort(gateway.smppPort());
        return cloudhopper.bind(config, new DefaultSmppSessionHandler());
    }
}
