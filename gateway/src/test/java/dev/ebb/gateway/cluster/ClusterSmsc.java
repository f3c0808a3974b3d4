package dev.ebb.gateway.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
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
import dev.ebb.gateway.testing.SubmitOnlySmscListener;
import org.jsmpp.session.BindRequest;
import org.jsmpp.session.SMPPServerSession;
import org.jsmpp.session.SMPPServerSessionListener;
import org.jsmpp.session.SubmitSmResult;
import org.jsmpp.util.MessageId;

/**
 * One operator SMSC that several Ebb nodes bind to, each with its own system_id (the node id), on jSMPP's server API.
 * The test chooses on which node's bind a receipt or MO is delivered, as a real SMSC delivers them on any bind of the
 * account; it can also deliver a submit's receipt before answering the submit, so the receipt comes before its
 * mapping.
 */
final class ClusterSmsc implements AutoCloseable {
    /** A submit as the SMSC took it: on whose bind, under which id. */
    record Taken(String node, String smscId, String destination) {
    }

    /** Where to deliver a submit's receipt before its submit_sm_resp leaves; null: none. */
    interface EarlyReceipts {
        String nodeFor(Taken submit);
    }

    private final SMPPServerSessionListener listener;
    private final Map<String, SMPPServerSession> byNode = new ConcurrentHashMap<>();
    private final List<Taken> taken = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong(7_000);
    private final Thread acceptor;
    private volatile EarlyReceipts early = submit -> null;
    private volatile boolean closed;

    ClusterSmsc() throws IOException {
        this.listener = new SMPPServerSessionListener(dev.ebb.gateway.testing.TestGateway.freePort());
        this.listener.setMessageReceiverListener(new Receiver());
        this.acceptor = new Thread(this::acceptLoop, "cluster-smsc");
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    int port() {
        return listener.getPort();
    }

    List<Taken> taken() {
        return taken;
    }

    boolean bound(String node) {
        SMPPServerSession s = byNode.get(node);
        return s != null && s.getSessionState().isBound();
    }

    void earlyReceipts(EarlyReceipts early) {
        this.early = early;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                SMPPServerSession session = listener.accept();
                BindRequest bind = session.waitForBind(5_000);
                bind.accept("cluster-smsc");
                byNode.put(bind.getSystemId(), session);
            } catch (Exception e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    /**
     * Delivers a DELIVRD receipt for {@code smscId} on {@code node}'s bind.
     *
     * @return the command_status of Ebb's deliver_sm_resp
     */
    int sendReceipt(String node, String smscId) throws Exception {
        String text = "id:" + smscId + " sub:001 dlvrd:001 submit date:2601010000 done date:2601010001 stat:DELIVRD"
                + " err:000 text:";
        return deliver(node, "4790000001", "4790000002", new ESMClass(0x04), text,
                new OptionalParameter.OctetString(OptionalParameter.Tag.RECEIPTED_MESSAGE_ID.code(), smscId + "\0"),
                new OptionalParameter.Byte(OptionalParameter.Tag.MESSAGE_STATE, (byte) 2));
    }

    /** Delivers an MO from {@code handset} to {@code number} on {@code node}'s bind; Ebb's deliver_sm_resp status. */
    int sendMo(String node, String handset, String number, String text) throws Exception {
        return deliver(node, handset, number, new ESMClass(0), text);
    }

    private int deliver(String node, String from, String to, ESMClass esm, String text, OptionalParameter... tlvs)
            throws Exception {
        try {
            byNode.get(node).deliverShortMessage("", TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, from,
                    TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, to, esm, (byte) 0, (byte) 0,
                    new RegisteredDelivery(0), DataCodings.ZERO, text.getBytes(StandardCharsets.US_ASCII), tlvs);
            return 0;
        } catch (NegativeResponseException e) {
            return e.getCommandStatus();
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
        byNode.values().forEach(SMPPServerSession::close);
    }

    private final class Receiver extends SubmitOnlySmscListener {
        @Override
        public SubmitSmResult onAcceptSubmitSm(SubmitSm submitSm, SMPPServerSession source)
                throws ProcessRequestException {
            String node = byNode.entrySet().stream().filter(e -> e.getValue() == source).map(Map.Entry::getKey)
                    .findFirst().orElse("?");
            Taken submit = new Taken(node, Long.toString(ids.incrementAndGet()), submitSm.getDestAddress());
            taken.add(submit);
            String receiptOn = early.nodeFor(submit);
            if (receiptOn != null) {
                try {
                    sendReceipt(receiptOn, submit.smscId());
                } catch (Exception e) {
                    throw new ProcessRequestException("early receipt failed: " + e, 0x08);
                }
            }
            try {
                return new SubmitSmResult(new MessageId(submit.smscId()), new OptionalParameter[0]);
            } catch (org.jsmpp.PDUStringException e) {
                throw new ProcessRequestException(e.getMessage(), 0x08);
            }
        }
    }
}
