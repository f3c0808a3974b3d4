package dev.ebb.gateway.conformance;

import static dev.ebb.gateway.conformance.Conformance.ALPHANUMERIC_SENDER;
import static dev.ebb.gateway.conformance.Conformance.HANDSET;
import static dev.ebb.gateway.conformance.Conformance.SEGMENTS;
import static dev.ebb.gateway.conformance.Conformance.SHORT_CODE_SENDER;
import static dev.ebb.gateway.conformance.Conformance.TEXT;
import static dev.ebb.gateway.conformance.Conformance.UCS2_TEXT;
import static org.assertj.core.api.Assertions.assertThat;

import com.cloudhopper.commons.charset.CharsetUtil;
import com.cloudhopper.commons.util.windowing.WindowFuture;
import com.cloudhopper.smpp.SmppBindType;
import com.cloudhopper.smpp.SmppConstants;
import com.cloudhopper.smpp.SmppSession;
import com.cloudhopper.smpp.SmppSessionConfiguration;
import com.cloudhopper.smpp.impl.DefaultSmppClient;
import com.cloudhopper.smpp.impl.DefaultSmppSessionHandler;
import com.cloudhopper.smpp.pdu.DeliverSm;
import com.cloudhopper.smpp.pdu.EnquireLink;
import com.cloudhopper.smpp.pdu.PduRequest;
import com.cloudhopper.smpp.pdu.PduResponse;
import com.cloudhopper.smpp.pdu.SubmitSm;
import com.cloudhopper.smpp.pdu.SubmitSmResp;
import com.cloudhopper.smpp.pdu.Unbind;
import com.cloudhopper.smpp.type.Address;
import com.cloudhopper.smpp.util.DeliveryReceipt;
import com.cloudhopper.smpp.util.DeliveryReceiptException;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.TestGateway;
import java.nio.charset.StandardCharsets;
import org.joda.time.DateTimeZone;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cloudhopper ch-smpp 5.0.9 as its examples use it: a transceiver, {@code new Address()} with only the digits or text
 * set (TON/NPI stay 0/0), receipts read with its own {@link DeliveryReceipt#parseShortMessage}.
 */
class CloudhopperConformanceTest {
    private static final long TIMEOUT_MILLIS = 5_000;
    @RegisterExtension
    static final GatewayFixture gateway = GatewayFixture.withSimulator();
    private final ReceiptInbox receipts = new ReceiptInbox();
    private DefaultSmppClient client;
    private SmppSession session;

    @BeforeEach
    void bind() throws Exception {
        client = new DefaultSmppClient();
        SmppSessionConfiguration config = new SmppSessionConfiguration(SmppBindType.TRANSCEIVER,
                TestGateway.SYSTEM_ID, TestGateway.PASSWORD);
        config.setHost("127.0.0.1");
        config.setPort(gateway.smppPort());
        session = client.bind(config, new DefaultSmppSessionHandler() {
            @Override
            public PduResponse firePduRequestReceived(PduRequest request) {
                if (request instanceof DeliverSm deliver
                        && (deliver.getEsmClass() & SmppConstants.ESM_CLASS_MT_SMSC_DELIVERY_RECEIPT) != 0) {
                    String text = new String(deliver.getShortMessage(), StandardCharsets.US_ASCII);
                    try {
                        DeliveryReceipt receipt = DeliveryReceipt.parseShortMessage(text, DateTimeZone.UTC);
                        receipts.parsed(receipt.getMessageId(), DeliveryReceipt.toStateText(receipt.getState()));
                    } catch (DeliveryReceiptException e) {
                        receipts.unparsable(e + " in " + text);
                    }
                }
                return request.createResponse();
            }
        });
    }

    @AfterEach
    void unbind() {
        session.unbind(TIMEOUT_MILLIS);
        session.destroy();
        client.destroy();
        Conformance.awaitNoSessionBound(gateway);
    }

    @Test
    void aNumberWithoutPlusFromAnAlphanumericSenderIsDeliveredAndItsReceiptParses() throws Exception {
        String id = submit(submitSm(ALPHANUMERIC_SENDER, CharsetUtil.encode(TEXT, CharsetUtil.CHARSET_GSM)));

        assertDelivered(id);
    }

    @Test
    void aShortCodeSenderIsDelivered() throws Exception {
        String id = submit(submitSm(SHORT_CODE_SENDER, CharsetUtil.encode(TEXT, CharsetUtil.CHARSET_GSM)));

        assertDelivered(id);
    }

    @Test
    void aUcs2MessageIsDelivered() throws Exception {
        SubmitSm submit = submitSm(ALPHANUMERIC_SENDER, CharsetUtil.encode(UCS2_TEXT, CharsetUtil.CHARSET_UCS_2));
        submit.setDataCoding(SmppConstants.DATA_CODING_UCS2);

        String id = submit(submit);

        assertDelivered(id);
    }

    /** ch-smpp has no segmenter; applications put the TS 23.040 concatenation header in front of each part. */
    @Test
    void aConcatenatedMessageSentWithAUserDataHeaderGetsAReceiptForEachSegment() throws Exception {
        String[] ids = new String[SEGMENTS.size()];
        for (int i = 0; i < ids.length; i++) {
            SubmitSm submit = submitSm(ALPHANUMERIC_SENDER, Conformance.withUdh(0x2A, i));
            submit.setEsmClass(SmppConstants.ESM_CLASS_UDHI_MASK);
            ids[i] = submit(submit);
        }

        for (String id : ids) {
            assertDelivered(id);
        }
    }

    @Test
    void enquireLinkAndUnbindAreAnswered() throws Exception {
        assertThat(session.enquireLink(new EnquireLink(), TIMEOUT_MILLIS).getCommandStatus()).isZero();

        WindowFuture<Integer, PduRequest, PduResponse> unbind = session.sendRequestPdu(new Unbind(),
                TIMEOUT_MILLIS, true);

        assertThat(unbind.await()).as("unbind_resp within the window's timeout").isTrue();
        assertThat(unbind.getResponse().getCommandId()).isEqualTo(SmppConstants.CMD_ID_UNBIND_RESP);
        assertThat(unbind.getResponse().getCommandStatus()).isZero();
    }

    /** Its receipt, read by the client's parser, says DELIVRD, and Ebb recorded the handset as E.164. */
    private void assertDelivered(String id) {
        assertThat(receipts.awaitStat(id)).isEqualTo("DELIVRD");
        Conformance.assertRecordedAsE164(gateway, id);
    }

    private static SubmitSm submitSm(String from, byte[] shortMessage) throws Exception {
        Address source = new Address();
        source.setAddress(from);
        Address destination = new Address();
        destination.setAddress(HANDSET);
        SubmitSm submit = new SubmitSm();
        submit.setSourceAddress(source);
        submit.setDestAddress(destination);
        submit.setRegisteredDelivery(SmppConstants.REGISTERED_DELIVERY_SMSC_RECEIPT_REQUESTED);
        submit.setShortMessage(shortMessage);
        return submit;
    }

    private String submit(SubmitSm submit) throws Exception {
        SubmitSmResp resp = session.submit(submit, TIMEOUT_MILLIS);
        assertThat(resp.getCommandStatus()).as("submit_sm_resp command_status 0x%02X (%s)",
                resp.getCommandStatus(), resp.getResultMessage())
                .isZero();
        return resp.getMessageId();
    }
}
