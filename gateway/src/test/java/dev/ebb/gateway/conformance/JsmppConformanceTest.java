package dev.ebb.gateway.conformance;

import static dev.ebb.gateway.conformance.Conformance.ALPHANUMERIC_SENDER;
import static dev.ebb.gateway.conformance.Conformance.HANDSET;
import static dev.ebb.gateway.conformance.Conformance.SEGMENTS;
import static dev.ebb.gateway.conformance.Conformance.SHORT_CODE_SENDER;
import static dev.ebb.gateway.conformance.Conformance.TEXT;
import static dev.ebb.gateway.conformance.Conformance.UCS2_TEXT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.TestGateway;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.jsmpp.bean.AlertNotification;
import org.jsmpp.bean.Alphabet;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DataCoding;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.DeliveryReceipt;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.GeneralDataCoding;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.OptionalParameters;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.SMSCDeliveryReceipt;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.MessageReceiverListener;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.session.Session;
import org.jsmpp.util.DeliveryReceiptState;
import org.jsmpp.util.InvalidDeliveryReceiptException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * jSMPP 3.0.2 as a customer application uses it: a transceiver, and {@code submitShortMessage} with TON/NPI
 * UNKNOWN/UNKNOWN, the zero values its PDU beans start with (its session API has no defaults, so an application that
 * does not care about TON/NPI passes these), receipts read with its own {@link DeliveryReceipt} parser.
 */
class JsmppConformanceTest {
    private static final long UNBIND_WAIT_MILLIS = 200;
    @RegisterExtension
    static final GatewayFixture gateway = GatewayFixture.withSimulator();
    private final ReceiptInbox receipts = new ReceiptInbox();
    private ProbingSession session;

    @BeforeEach
    void bind() throws IOException {
        session = new ProbingSession();
        session.setMessageReceiverListener(new MessageReceiverListener() {
            @Override
            public void onAcceptDeliverSm(DeliverSm deliverSm) {
                if (!deliverSm.isSmscDeliveryReceipt()) {
                    return;
                }
                try {
                    DeliveryReceipt receipt = deliverSm.getShortMessageAsDeliveryReceipt();
                    receipts.parsed(receipt.getId(), receipt.getFinalStatus().name());
                } catch (InvalidDeliveryReceiptException e) {
                    receipts.unparsable(e + " in " + new String(deliverSm.getShortMessage(), StandardCharsets.US_ASCII));
                }
            }

            @Override
            public void onAcceptAlertNotification(AlertNotification alertNotification) {
            }

            @Override
            public DataSmResult onAcceptDataSm(DataSm dataSm, Session source) throws ProcessRequestException {
                throw new ProcessRequestException("no data_sm expected", 0x03);
            }
        });
        session.connectAndBind("127.0.0.1", gateway.smppPort(), new BindParameter(BindType.BIND_TRX,
                TestGateway.SYSTEM_ID, TestGateway.PASSWORD, "", TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN,
                null));
    }

    /**
     * jSMPP now and then misses Ebb's unbind_resp (see {@link #enquireLinkIsAnsweredAndUnbindEndsTheSession}) and
     * then waits out its 2 s transaction timer; a shorter one here keeps that wait out of the other tests.
     */
    @AfterEach
    void unbind() {
        session.setTransactionTimer(UNBIND_WAIT_MILLIS);
        session.unbindAndClose();
        Conformance.awaitNoSessionBound(gateway);
    }

    @Test
    void aNumberWithoutPlusFromAnAlphanumericSenderIsDeliveredAndItsReceiptParses() throws Exception {
        String id = submitText(ALPHANUMERIC_SENDER);

        assertDelivered(id);
    }

    @Test
    void aShortCodeSenderIsDelivered() throws Exception {
        String id = submitText(SHORT_CODE_SENDER);

        assertDelivered(id);
    }

    @Test
    void aUcs2MessageIsDelivered() throws Exception {
        String id = submit(ALPHANUMERIC_SENDER, new GeneralDataCoding(Alphabet.ALPHA_UCS2),
                UCS2_TEXT.getBytes(StandardCharsets.UTF_16BE));

        assertDelivered(id);
    }

    /** jSMPP has no segmenter; its SubmitLongMessageExample sends each part with the sar_* TLVs (§5.3.2.22–24). */
    @Test
    void aConcatenatedMessageSentWithSarTlvsGetsAReceiptForEachSegment() throws Exception {
        short ref = 0x1234;
        String[] ids = new String[SEGMENTS.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = submit(ALPHANUMERIC_SENDER, new GeneralDataCoding(Alphabet.ALPHA_DEFAULT),
                    SEGMENTS.get(i).getBytes(StandardCharsets.US_ASCII), OptionalParameters.newSarMsgRefNum(ref),
                    OptionalParameters.newSarTotalSegments((byte) ids.length),
                    OptionalParameters.newSarSegmentSeqnum((byte) (i + 1)));
        }

        for (String id : ids) {
            assertDelivered(id);
        }
        // sar_msg_ref_num is 16-bit (§5.3.2.22): the whole reference is kept, not its low byte.
        assertThat(gateway.recordsOf(ids[1]).get(0).record().concatRef()).isEqualTo(ref);
    }

    /**
     * enquire_link returns only once its answer came (else jSMPP's ResponseTimeoutException). jSMPP's unbind only logs
     * a missing unbind_resp ("Unbind response timeout", after its 2 s transaction timer), and it does miss Ebb's now
     * and then (2 unbinds of 35 in one run): Ebb closes the connection as soon as unbind_resp is written, and jSMPP
     * can take the closed stream first. What this test can hold to is that Ebb ends the session.
     */
    @Test
    void enquireLinkIsAnsweredAndUnbindEndsTheSession() throws Exception {
        session.enquireLink();

        session.unbindAndClose();

        Conformance.awaitNoSessionBound(gateway);
    }

    /** Its receipt, read by the client's parser, says DELIVRD, and Ebb recorded the handset as E.164. */
    private void assertDelivered(String id) {
        assertThat(receipts.awaitStat(id)).isEqualTo(DeliveryReceiptState.DELIVRD.name());
        Conformance.assertRecordedAsE164(gateway, id);
    }

    private String submitText(String from) throws Exception {
        return submit(from, new GeneralDataCoding(Alphabet.ALPHA_DEFAULT), TEXT.getBytes(StandardCharsets.US_ASCII));
    }

    private String submit(String from, DataCoding coding, byte[] message, OptionalParameter... tlvs)
            throws Exception {
        return session.submitShortMessage("", TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, from,
                TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, HANDSET, new ESMClass(), (byte) 0, (byte) 0, null, null,
                new RegisteredDelivery(SMSCDeliveryReceipt.SUCCESS_FAILURE), (byte) 0, coding, (byte) 0, message, tlvs)
                .getMessageId();
    }

    /** jSMPP sends enquire_link on its own timer; this reaches the same method to send one now and await its answer. */
    private static final class ProbingSession extends SMPPSession {
        void enquireLink() throws Exception {
            sendEnquireLink();
        }
    }
}
