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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.smpp.Data;
import org.smpp.Session;
import org.smpp.TCPIPConnection;
import org.smpp.pdu.BindResponse;
import org.smpp.pdu.BindTransciever;
import org.smpp.pdu.DeliverSM;
import org.smpp.pdu.EnquireLinkResp;
import org.smpp.pdu.SubmitSM;
import org.smpp.pdu.SubmitSMResp;
import org.smpp.pdu.UnbindResp;

/**
 * OpenSMPP 3.0.2 (the Logica SMPP library) as its javadoc example uses it: a synchronous session bound as a
 * transceiver, {@code setSourceAddr(String)} / {@code setDestAddr(String)} taking its default TON/NPI (0/0), and the
 * receipts fetched with {@code receive}. It has no receipt parser: the test reads the text as such an application
 * does.
 */
class OpenSmppConformanceTest {
    /** SMPP 3.4 Appendix B: the two fields an application takes from a receipt. */
    private static final Pattern RECEIPT = Pattern.compile("id:(\\S+) .*stat:(\\S+)");
    /** SMPP 3.4 §5.2.12 esm_class xx0001xx: the deliver_sm is an SMSC delivery receipt. */
    private static final int ESM_CLASS_RECEIPT = 0x04;
    private static final long RECEIVE_MILLIS = 50;
    @RegisterExtension
    static final GatewayFixture gateway = GatewayFixture.withSimulator();
    private final ReceiptInbox receipts = new ReceiptInbox();
    private Session session;

    @BeforeEach
    void bind() throws Exception {
        session = new Session(new TCPIPConnection("127.0.0.1", gateway.smppPort()));
        BindTransciever bind = new BindTransciever();
        bind.setSystemId(TestGateway.SYSTEM_ID);
        bind.setPassword(TestGateway.PASSWORD);

        BindResponse response = session.bind(bind);

        assertThat(response.getCommandStatus()).isEqualTo(Data.ESME_ROK);
    }

    @AfterEach
    void unbind() throws Exception {
        if (session.isBound()) {
            session.unbind();
        }
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
        SubmitSM submit = submitSm(ALPHANUMERIC_SENDER);
        submit.setShortMessage(UCS2_TEXT, Data.ENC_UTF16_BE);
        submit.setDataCoding((byte) 0x08);

        String id = submit(submit);

        assertDelivered(id);
    }

    /** OpenSMPP has no segmenter; its SubmitSM carries setters for the sar_* TLVs (SMPP 3.4 §5.3.2.22–24). */
    @Test
    void aConcatenatedMessageSentWithSarTlvsGetsAReceiptForEachSegment() throws Exception {
        String[] ids = new String[SEGMENTS.size()];
        for (int i = 0; i < ids.length; i++) {
            SubmitSM submit = submitSm(ALPHANUMERIC_SENDER);
            submit.setShortMessage(SEGMENTS.get(i), Data.ENC_ASCII);
            submit.setSarMsgRefNum((short) 0x00FF);
            submit.setSarTotalSegments((short) ids.length);
            submit.setSarSegmentSeqnum((short) (i + 1));
            ids[i] = submit(submit);
        }

        for (String id : ids) {
            assertDelivered(id);
        }
    }

    @Test
    void enquireLinkAndUnbindAreAnswered() throws Exception {
        EnquireLinkResp enquired = session.enquireLink();
        assertThat(enquired).as("enquire_link_resp").isNotNull();
        assertThat(enquired.getCommandStatus()).isEqualTo(Data.ESME_ROK);

        UnbindResp unbound = session.unbind();

        assertThat(unbound).as("unbind_resp").isNotNull();
        assertThat(unbound.getCommandStatus()).isEqualTo(Data.ESME_ROK);
        assertThat(session.isBound()).isFalse();
    }

    /** Its receipt, read by the client's parser, says DELIVRD, and Ebb recorded the handset as E.164. */
    private void assertDelivered(String id) {
        assertThat(receipts.awaitStat(id, this::receive)).isEqualTo("DELIVRD");
        Conformance.assertRecordedAsE164(gateway, id);
    }

    private String submitText(String from) throws Exception {
        SubmitSM submit = submitSm(from);
        submit.setShortMessage(TEXT, Data.ENC_ASCII);
        return submit(submit);
    }

    private static SubmitSM submitSm(String from) throws Exception {
        SubmitSM submit = new SubmitSM();
        submit.setSourceAddr(from);
        submit.setDestAddr(HANDSET);
        submit.setRegisteredDelivery(Data.SM_SMSC_RECEIPT_REQUESTED);
        return submit;
    }

    private String submit(SubmitSM submit) throws Exception {
        SubmitSMResp resp = session.submit(submit);
        assertThat(resp).as("submit_sm_resp").isNotNull();
        assertThat(resp.getCommandStatus()).as("submit_sm_resp command_status 0x%02X", resp.getCommandStatus())
                .isEqualTo(Data.ESME_ROK);
        return resp.getMessageId();
    }

    /**
     * Takes one PDU the receiver thread queued, answering a deliver_sm as a synchronous OpenSMPP application must.
     * One per call: on an empty queue OpenSMPP waits for the next PDU up to its queue timeout (2 s) whatever timeout
     * {@code receive} is given, so draining to the end would add that wait to every test.
     */
    private void receive() {
        try {
            if (session.receive(RECEIVE_MILLIS) instanceof DeliverSM deliver) {
                session.respond(deliver.getResponse());
                if ((deliver.getEsmClass() & ESM_CLASS_RECEIPT) != 0) {
                    read(deliver.getShortMessage(Data.ENC_ASCII));
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("OpenSMPP receive failed", e);
        }
    }

    private void read(String receipt) {
        Matcher m = RECEIPT.matcher(receipt);
        if (m.find()) {
            receipts.parsed(m.group(1), m.group(2));
        } else {
            receipts.unparsable("no id:/stat: in " + receipt);
        }
    }
}
