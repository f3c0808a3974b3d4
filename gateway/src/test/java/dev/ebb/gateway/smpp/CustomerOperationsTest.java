package dev.ebb.gateway.smpp;

import dev.ebb.gateway.testing.RawSmppClient;
import static dev.ebb.gateway.testing.TwoCustomers.OTHER;
import static dev.ebb.gateway.testing.TwoCustomers.OTHER_PASSWORD;
import static dev.ebb.gateway.testing.TwoCustomers.refusal;
import static dev.ebb.gateway.testing.TwoCustomers.withOtherCustomer;
import static org.assertj.core.api.Assertions.assertThat;

import com.cloudhopper.commons.util.windowing.WindowFuture;
import com.cloudhopper.smpp.SmppBindType;
import com.cloudhopper.smpp.SmppSession;
import com.cloudhopper.smpp.SmppSessionConfiguration;
import com.cloudhopper.smpp.impl.DefaultSmppClient;
import com.cloudhopper.smpp.impl.DefaultSmppSessionHandler;
import com.cloudhopper.smpp.pdu.PduRequest;
import com.cloudhopper.smpp.pdu.PduResponse;
import com.cloudhopper.smpp.pdu.QuerySm;
import com.cloudhopper.smpp.pdu.QuerySmResp;
import com.cloudhopper.smpp.pdu.SubmitSm;
import com.cloudhopper.smpp.pdu.SubmitSmResp;
import com.cloudhopper.smpp.type.Address;
import dev.ebb.gateway.core.BindType;
import dev.ebb.gateway.core.SmppAddress;
import dev.ebb.gateway.core.ValidityPeriod;
import dev.ebb.gateway.smpp.pdu.Pdu;
import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.EsmeClient;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.TestGateway;
import dev.ebb.metadata.EventType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jsmpp.bean.DataCodings;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.MessageState;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.QuerySmResult;
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
    final GatewayFixture gateway = GatewayFixture.startedWith(dir -> withOtherCustomer(
            TestGateway.config(dir, TestGateway.freePort(), true)));

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

    /** §4.8.2: a delivered message's query_sm_resp says DELIVERED and when, as SMPP absolute time (§7.1.1). */
    @Test
    void aQueryOfADeliveredMessageSaysDeliveredWithItsFinalDate() throws Exception {
        EsmeClient esme = gateway.esme();
        String id = esme.submit("+4790000001", "query me", StandardCharsets.ISO_8859_1, (byte) 0);
        Await.until("the receipt for " + id, WAIT, () -> esme.receiptFor(id) != null);

        QuerySmResult result = esme.session().queryShortMessage(id, TypeOfNumber.ALPHANUMERIC,
                NumberingPlanIndicator.UNKNOWN, "Acme");

        assertThat(result.getMessageState()).isEqualTo(MessageState.DELIVERED);
        Instant finalDate = ValidityPeriod.parse(result.getFinalDate(), Instant.now()).orElseThrow();
        assertThat(finalDate).isBetween(Instant.now().minusSeconds(30), Instant.now().plusSeconds(1));
        assertThat(result.getErrorCode()).isEqualTo((byte) 0);
    }

    /** An id Ebb never gave is 0x67 ESME_RQUERYFAIL (§5.1.3); Cloudhopper reads the error query_sm_resp. */
    @Test
    void anUnknownIdIsAQueryFailureThatCloudhopperReads() throws Exception {
        SmppSession session = cloudhopper();
        QuerySm query = new QuerySm();
        query.setMessageId("no-such-message");
        query.setSourceAddress(new Address((byte) 5, (byte) 0, "Acme"));

        WindowFuture<Integer, PduRequest, PduResponse> sent = session.sendRequestPdu(query, 5_000, true);
        assertThat(sent.await(5_000)).isTrue();
        PduResponse resp = sent.getResponse();

        assertThat(resp).isInstanceOf(QuerySmResp.class);
        assertThat(resp.getCommandStatus()).isEqualTo(0x67); // §5.1.3 ESME_RQUERYFAIL
    }

    /** Another customer's message is answered as if it did not exist: 0x67, never a sign that it does. */
    @Test
    void anotherCustomersMessageIsAQueryFailure() throws Exception {
        EsmeClient other = gateway.closeAfter(new EsmeClient(gateway.smppPort(), OTHER, OTHER_PASSWORD));
        String theirs = other.submit("+4790000001", "not acme's", StandardCharsets.ISO_8859_1, (byte) 0);
        Await.until("the receipt for " + theirs, WAIT, () -> other.receiptFor(theirs) != null);
        EsmeClient esme = gateway.esme();

        assertThat(refusal(() -> esme.session().queryShortMessage(theirs, TypeOfNumber.ALPHANUMERIC,
                NumberingPlanIndicator.UNKNOWN, "Acme"))).isEqualTo(0x67);
        assertThat(other.session().queryShortMessage(theirs, TypeOfNumber.ALPHANUMERIC, NumberingPlanIndicator.UNKNOWN,
                "Acme").getMessageState()).isEqualTo(MessageState.DELIVERED);
    }

    /**
     * Every customer's query_sm, cancel_sm and replace_sm run on one thread: one customer's flood of them must not
     * put another's behind all of it (hostile test: 4 binds with 500 query_sm each in flight held another customer's
     * cancel_sm about a second, and a customer with more binds past jSMPP's 2 s response timer). Each customer with
     * operations waiting takes its turn.
     */
    @Test
    void aFloodOfAnotherCustomersQueriesDoesNotHoldBackACustomersCancel() throws Exception {
        int binds = 4;
        int each = 500;
        AtomicInteger answered = new AtomicInteger();
        List<Thread> readers = new ArrayList<>();
        for (int b = 0; b < binds; b++) {
            RawSmppClient flooder = gateway.closeAfter(bound(new RawSmppClient(gateway.smppPort()), OTHER,
                    OTHER_PASSWORD));
            ByteArrayOutputStream queries = new ByteArrayOutputStream();
            for (int i = 0; i < each; i++) {
                queries.write(RawSmppClient.encode(new Pdu.QuerySm(2 + i, "no-such-message", NO_ADDRESS)));
            }
            flooder.sendBytes(queries.toByteArray());
            Thread reader = new Thread(() -> {
                try {
                    for (int i = 0; i < each; i++) {
                        flooder.read();
                        answered.incrementAndGet();
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            reader.start();
            readers.add(reader);
        }
        Await.until("the flood is being answered", WAIT, () -> answered.get() > 0);
        RawSmppClient acme = gateway.closeAfter(bound(new RawSmppClient(gateway.smppPort()), TestGateway.SYSTEM_ID,
                TestGateway.PASSWORD));

        acme.send(new Pdu.CancelSm(2, "", "no-such-message", NO_ADDRESS, NO_ADDRESS));
        Pdu answer = acme.read();
        int floodAnsweredBefore = answered.get();

        assertThat(answer).isInstanceOf(Pdu.CancelSmResp.class);
        assertThat(((Pdu.CancelSmResp) answer).commandStatus()).isEqualTo(0x11);
        assertThat(floodAnsweredBefore).as("query_sm of the other customer answered before acme's cancel_sm")
                .isLessThan(binds * each / 2);
        for (Thread reader : readers) {
            reader.join(WAIT.toMillis());
        }
        assertThat(answered.get()).isEqualTo(binds * each);
    }

    private static final SmppAddress NO_ADDRESS = new SmppAddress((byte) 0, (byte) 0, "");

    private static RawSmppClient bound(RawSmppClient client, String systemId, String password) throws Exception {
        client.send(new Pdu.Bind(BindType.TRANSCEIVER, 1, systemId, password, "", (byte) 0x34, (byte) 0, (byte) 0, ""));
        assertThat(((Pdu.BindResp) client.read()).commandStatus()).isZero();
        return client;
    }

    private SmppSession cloudhopper() throws Exception {
        SmppSessionConfiguration config = new SmppSessionConfiguration(SmppBindType.TRANSCEIVER, TestGateway.SYSTEM_ID,
                TestGateway.PASSWORD);
        config.setHost("127.0.0.1");
        config.setPort(gateway.smppPort());
        return cloudhopper.bind(config, new DefaultSmppSessionHandler());
    }
}
