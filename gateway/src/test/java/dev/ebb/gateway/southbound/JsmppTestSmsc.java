package dev.ebb.gateway.southbound;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.jsmpp.bean.DataCodings;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.SubmitSm;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.session.SMPPServerSession;
import org.jsmpp.session.SMPPServerSessionListener;
import org.jsmpp.session.SubmitSmResult;
import org.jsmpp.util.MessageId;

/**
 * An operator SMSC for tests, built on jSMPP's server API: an SMPP implementation independent of Ebb's
 * own codec. It accepts any bind, acknowledges submits with sequential ids and can send receipts.
 */
final class JsmppTestSmsc implements AutoCloseable {
    private final int port;
    private final SMPPServerSessionListener listener;
    private final List<SMPPServerSession> sessions = new CopyOnWriteArrayList<>();
    private final Set<String> received = ConcurrentHashMap.newKeySet();
    private final List<String> payloads = new CopyOnWriteArrayList<>();
    private final List<SubmitSm> submits = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong();
    private final Thread acceptor;
    private volatile boolean closed;

    JsmppTestSmsc(int port) throws IOException {
        this.port = port;
        this.listener = new SMPPServerSessionListener(port);
        this.listener.setMessageReceiverListener(new Receiver());
        this.acceptor = new Thread(this::acceptLoop, "test-smsc-" + port);
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    int port() {
        return listener.getPort();
    }

    /** Destination addresses of every submit_sm received, as "dest|short_message". */
    Set<String> received() {
        return received;
    }

    /** The message_payload TLV of every submit_sm that had one, in hex. */
    List<String> payloads() {
        return payloads;
    }

    /** Every submit_sm received, as jSMPP decoded it. */
    List<SubmitSm> submits() {
        return submits;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                SMPPServerSession session = listener.accept();
                sessions.add(session);
                if (closed) {
                    // Accepted while close() ran: close() may have missed it, and a live session would keep the
                    // connector bound to an SMSC that is meant to be down.
                    session.close();
                    return;
                }
                session.waitForBind(5_000).accept("test-smsc");
            } catch (Exception e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    /** Sends a delivery receipt for {@code smscId} on the first bound session. */
    void sendReceipt(String smscId, String text) throws Exception {
        SMPPServerSession session = sessions.stream().filter(s -> s.getSessionState().isBound()).findFirst().orElseThrow();
        session.deliverShortMessage("", TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "4790000001",
                TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "4790000002", new ESMClass(0x04), (byte) 0,
                (byte) 0, new RegisteredDelivery(0), DataCodings.ZERO, text.getBytes(StandardCharsets.US_ASCII),
                // receipted_message_id is a C-Octet String (SMPP 3.4 §5.3.2.12): NUL-terminated on the wire.
                new OptionalParameter.OctetString(OptionalParameter.Tag.RECEIPTED_MESSAGE_ID.code(), smscId + "\0"),
                new OptionalParameter.Byte(OptionalParameter.Tag.MESSAGE_STATE, (byte) 2));
    }

    /**
     * Sends a mobile-originated message from {@code handset} to {@code number} (digits, international) on the first
     * bound session.
     *
     * @return the command_status of Ebb's deliver_sm_resp
     */
    /** Whether a bind is there to send MO on: a probe to number 1 gets any answer. */
    boolean answersMo(String handset) {
        try {
            return sendMo(handset, "1", "probe") != -1;
        } catch (Exception e) {
            return false;
        }
    }

    int sendMo(String handset, String number, String text) throws Exception {
        return sendDeliverSm(handset, number, text, 0);
    }

    /**
     * Sends a deliver_sm of esm_class {@code esmClass}; a text over 254 octets goes as message_payload.
     *
     * @return the command_status of Ebb's deliver_sm_resp
     */
    int sendDeliverSm(String handset, String number, String text, int esmClass) throws Exception {
        return sendDeliverSm(handset, TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, number, text, esmClass);
    }

    /** {@link #sendDeliverSm(String, String, String, int)} to {@code number} with the TON/NPI given. */
    int sendDeliverSm(String handset, TypeOfNumber ton, NumberingPlanIndicator npi, String number, String text,
                      int esmClass) throws Exception {
        SMPPServerSession session = sessions.stream().filter(s -> s.getSessionState().isBound()).findFirst().orElseThrow();
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        boolean payload = bytes.length > 254;
        try {
            session.deliverShortMessage("", TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, handset,
                    ton, npi, number, new ESMClass(esmClass), (byte) 0,
                    (byte) 0, new RegisteredDelivery(0), DataCodings.ZERO, payload ? new byte[0] : bytes,
                    payload ? new OptionalParameter[] {new OptionalParameter.OctetString(
                            OptionalParameter.Tag.MESSAGE_PAYLOAD.code(), bytes)} : new OptionalParameter[0]);
            return 0;
        } catch (NegativeResponseException e) {
            return e.getCommandStatus();
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
        sessions.forEach(SMPPServerSession::close);
    }

    private final class Receiver extends dev.ebb.gateway.testing.SubmitOnlySmscListener {
        @Override
        public SubmitSmResult onAcceptSubmitSm(SubmitSm submitSm, SMPPServerSession source) throws ProcessRequestException {
            submits.add(submitSm);
            received.add(submitSm.getDestAddress() + "|" + new String(submitSm.getShortMessage(), java.nio.charset.StandardCharsets.ISO_8859_1));
            if (submitSm.getOptionalParameter(OptionalParameter.Tag.MESSAGE_PAYLOAD) instanceof OptionalParameter.OctetString p) {
                payloads.add(java.util.HexFormat.of().formatHex(p.getValue()));
            }
            try {
                return new SubmitSmResult(new MessageId(Long.toHexString(port * 1_000_000L + ids.incrementAndGet())), new OptionalParameter[0]);
            } catch (org.jsmpp.PDUStringException e) {
                throw new ProcessRequestException(e.getMessage(), 0x08);
            }
        }
    }
}
