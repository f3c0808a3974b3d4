package dev.ebb.gateway.testing;

import java.io.IOException;
import java.nio.charset.Charset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jsmpp.bean.AlertNotification;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.MessageReceiverListener;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.session.Session;
import org.jsmpp.session.connection.ConnectionFactory;
import org.jsmpp.session.connection.socket.SocketConnectionFactory;

/** A customer application on jSMPP: binds as a transceiver and keeps every deliver_sm it receives. */
public final class EsmeClient implements AutoCloseable {
    private final SMPPSession session;
    private final List<DeliverSm> received = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    public EsmeClient(int port, String systemId, String password) throws IOException {
        this(port, systemId, password, SocketConnectionFactory.getInstance());
    }

    /** Binds through {@code connections} (a TLS socket factory, say). */
    public EsmeClient(int port, String systemId, String password, ConnectionFactory connections) throws IOException {
        session = new SMPPSession(connections);
        session.setMessageReceiverListener(new MessageReceiverListener() {
            @Override
            public void onAcceptDeliverSm(DeliverSm deliverSm) {
                received.add(deliverSm);
            }

            @Override
            public void onAcceptAlertNotification(AlertNotification alertNotification) {
            }

            @Override
            public DataSmResult onAcceptDataSm(DataSm dataSm, Session source) throws ProcessRequestException {
                throw new ProcessRequestException("no data_sm", 0x03);
            }
        });
        session.connectAndBind("127.0.0.1", port, new BindParameter(BindType.BIND_TRX, systemId, password, "",
                TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null));
    }

    /** Submits with registered_delivery 1 (final receipt wanted); returns Ebb's message id. */
    public String submit(String to, String text, Charset charset, byte dataCoding) throws Exception {
        return submit(to, new ESMClass(), text.getBytes(charset), dataCoding);
    }

    public String submit(String to, ESMClass esm, byte[] shortMessage, byte dataCoding) throws Exception {
        return JsmppSubmit.to(to).esmClass(esm).registeredDelivery(1).dataCoding(dataCoding).shortMessage(shortMessage)
                .submit(session);
    }

    /** Submits with an empty short_message and the content in message_payload (SMPP 3.4 §5.3.2.32, up to 64 KiB). */
    public String submitPayload(String to, byte[] payload, byte dataCoding) throws Exception {
        return JsmppSubmit.to(to).registeredDelivery(1).dataCoding(dataCoding)
                .tlvs(new OptionalParameter.OctetString(OptionalParameter.Tag.MESSAGE_PAYLOAD.code(), payload))
                .submit(session);
    }

    /** Submits {@code message} as it is written (no receipt unless it asks for one); returns Ebb's message id. */
    public String submit(JsmppSubmit message) throws Exception {
        return message.submit(session);
    }

    /** The bound jSMPP session, for the operations this class has no shortcut for (query_sm, data_sm, …). */
    public SMPPSession session() {
        return session;
    }

    public List<DeliverSm> received() {
        return received;
    }

    /** The receipt whose receipted_message_id TLV names {@code messageId}, if it has arrived. */
    public DeliverSm receiptFor(String messageId) {
        return received.stream().filter(d -> d.getOptionalParameter(OptionalParameter.Tag.RECEIPTED_MESSAGE_ID)
                        instanceof OptionalParameter.OctetString id && id.getValueAsString().equals(messageId))
                .findFirst().orElse(null);
    }

    /** Idempotent: a test may close its client early and the fixture close it again. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            session.unbindAndClose();
        }
    }
}
