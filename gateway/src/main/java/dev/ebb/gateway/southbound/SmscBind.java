package dev.ebb.gateway.southbound;

import dev.ebb.gateway.config.ConnectorConfig;
import dev.ebb.gateway.core.DeliverSmListener;
import dev.ebb.gateway.core.InboundDeliverSm;
import dev.ebb.gateway.core.OutboundMessage;
import dev.ebb.gateway.core.SmppAddress;
import dev.ebb.gateway.route.SubmitFailedException;
import dev.ebb.gateway.smpp.pdu.CommandStatus;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.jsmpp.InvalidResponseException;
import org.jsmpp.PDUException;
import org.jsmpp.bean.AlertNotification;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DataCoding;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.OptionalParameters;
import org.jsmpp.bean.RawDataCoding;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.extra.ResponseTimeoutException;
import org.jsmpp.extra.SessionState;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.MessageReceiverListener;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.session.Session;
import org.jsmpp.session.SubmitSmResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One transceiver bind of a connector on jSMPP ({@code client: jsmpp}): a supervisor thread that (re)binds with
 * exponential back-off and {@code window} sender threads, because jSMPP's submitShortMessage blocks until its
 * submit_sm_resp.
 */
final class SmscBind implements Binding {
    private static final Logger LOG = LoggerFactory.getLogger(SmscBind.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    private static final long BIND_TIMEOUT_MS = 5_000;
    /**
     * How long close waits for the SMSC's unbind_resp (§4.2): an SMSC answers in milliseconds, and one that does not
     * must not hold a shutdown for the transaction timer submits wait.
     */
    private static final long UNBIND_WAIT_MS = 500;
    private static final int RECEIVE_QUEUE = 65_536;
    // SMPP 3.4 §5.1.3: what Ebb records and reports for a message it cannot submit itself.
    private static final int ESME_RSYSERR = 0x08;
    private static final int ESME_RINVSRCADR = 0x0A;
    private static final int ESME_RINVDSTADR = 0x0B;

    private final ConnectorConfig config;
    private final String label;
    /** jSMPP's own default number of PDU processing threads per session. */
    private static final int JSMPP_DEFAULT_PROCESSORS = 3;
    private final DeliverSmListener listener;
    private final SmscConnector connector;
    private final Object monitor = new Object();
    private final List<Thread> threads = new ArrayList<>();
    private final RateLimiter rateLimiter;
    /** Sending threads inside submitShortMessage, waiting for its response. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile SMPPSession session;
    private volatile boolean running;

    SmscBind(ConnectorConfig config, int index, DeliverSmListener listener, SmscConnector connector) {
        this.config = config;
        this.label = config.name() + "#" + index;
        this.listener = listener;
        this.connector = connector;
        this.rateLimiter = new RateLimiter(config.tps());
    }

    @Override
    public void start() {
        running = true;
        threads.add(startDaemon(this::supervise, "smsc-" + label + "-bind"));
        for (int i = 0; i < config.window(); i++) {
            threads.add(startDaemon(this::send, "smsc-" + label + "-send-" + i));
        }
    }

    private static Thread startDaemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    @Override
    public int inFlight() {
        return inFlight.get();
    }

    @Override
    public boolean isBound() {
        SMPPSession current = session;
        return current != null && current.getSessionState().isBound();
    }

    @Override
    public void close() {
        running = false;
        synchronized (monitor) {
            monitor.notifyAll();
        }
        // The submits in flight get their answers first (bounded by the response timeout): a sending thread
        // interrupted in submitShortMessage would leave its message's outcome unknown.
        long drainUntil = System.nanoTime() + config.responseTimeout().toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < drainUntil) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        threads.forEach(Thread::interrupt);
        for (Thread thread : threads) {
            try {
                thread.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        SMPPSession current = session;
        if (current == null) {
            return;
        }
        if (current.getSessionState().isBound()) {
            current.setTransactionTimer(UNBIND_WAIT_MS);
            current.unbindAndClose();
        } else {
            // A session the SMSC already dropped has nobody to answer an unbind.
            current.close();
        }
    }

    private void supervise() {
        Duration backoff = FIRST_BACKOFF;
        boolean first = true;
        while (running) {
            if (isBound()) {
                awaitChange(1_000);
                continue;
            }
            if (!first) {
                connector.countReconnect();
            }
            first = false;
            try {
                session = bind();
                backoff = FIRST_BACKOFF;
                LOG.info("connector {} bound to {}:{}", label, config.host(), config.port());
                synchronized (monitor) {
                    monitor.notifyAll();
                }
            } catch (IOException e) {
                LOG.warn("connector {} cannot bind to {}:{} ({}); retrying in {} ms", label, config.host(), config.port(),
                        e.getMessage(), backoff.toMillis());
                awaitChange(backoff.toMillis());
                backoff = backoff.multipliedBy(2).compareTo(config.reconnectMax()) > 0 ? config.reconnectMax() : backoff.multipliedBy(2);
            }
        }
    }

    private SMPPSession bind() throws IOException {
        SMPPSession fresh = new SMPPSession();
        fresh.setTransactionTimer(config.responseTimeout().toMillis());
        // jSMPP answers incoming PDUs on this many threads; mobile-originated messages may hold some while they wait
        // for their customer, and receipts and submit responses must still get through.
        fresh.setPduProcessorDegree(JSMPP_DEFAULT_PROCESSORS + DeliverSmListener.MAX_BLOCKED);
        // jSMPP answers deliver_sm with an error once its 100-PDU receive queue is full; an SMSC sending receipts
        // at full path rates needs far more headroom than that.
        fresh.setQueueCapacity(RECEIVE_QUEUE);
        fresh.setEnquireLinkTimer((int) config.enquireLink().toMillis());
        fresh.setMessageReceiverListener(new Receiver());
        fresh.addSessionStateListener(this::onStateChange);
        fresh.connectAndBind(config.host(), config.port(), new BindParameter(BindType.BIND_TRX, config.systemId(),
                config.password(), config.systemType(), TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null),
                BIND_TIMEOUT_MS);
        return fresh;
    }

    private void onStateChange(SessionState newState, SessionState oldState, Session source) {
        if (running && !newState.isBound() && oldState.isBound()) {
            LOG.warn("connector {} lost its bind ({} -> {})", label, oldState, newState);
        }
        synchronized (monitor) {
            monitor.notifyAll();
        }
    }

    private void awaitChange(long millis) {
        synchronized (monitor) {
            try {
                monitor.wait(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void send() {
        while (running) {
            if (!isBound()) {
                awaitChange(200);
                continue;
            }
            SmscConnector.Pending pending;
            try {
                pending = connector.take(200);
            } catch (InterruptedException e) {
                return;
            }
            if (pending != null) {
                submit(pending);
            }
        }
    }

    /**
     * Submits one message. Whatever the message itself does (content that cannot be read, an address or field jSMPP
     * cannot encode, any exception of the library) fails that message alone with {@link SubmitFailedException}: a
     * sending thread never dies of a message (issue 9: one unreadable record per thread stopped all delivery).
     */
    private void submit(SmscConnector.Pending pending) {
        SMPPSession current = session;
        if (current == null || !current.getSessionState().isBound()) {
            connector.requeue(pending);
            return;
        }
        // close() interrupts this thread, and an interrupted vault read looks like content gone.
        Optional<OutboundMessage> content = connector.open(label, pending, !running);
        if (content.isEmpty()) {
            return;
        }
        OutboundMessage m = content.get();
        Address source;
        Address destination;
        try {
            source = Address.of(m.source());
        } catch (IllegalArgumentException unknown) {
            fail(pending, ESME_RINVSRCADR, "jSMPP has no TON/NPI " + m.source().ton() + "/" + m.source().npi()
                    + " for its source", null);
            return;
        }
        try {
            destination = Address.of(m.destination());
        } catch (IllegalArgumentException unknown) {
            fail(pending, ESME_RINVDSTADR, "jSMPP has no TON/NPI " + m.destination().ton() + "/"
                    + m.destination().npi() + " for its destination", null);
            return;
        }
        rateLimiter.acquire();
        inFlight.incrementAndGet();
        long sentAt = System.nanoTime();
        try {
            SubmitSmResult result = current.submitShortMessage(m.serviceType(), source.ton(), source.npi(),
                    m.source().value(), destination.ton(), destination.npi(), m.destination().value(),
                    new ESMClass(m.esmClass()), m.protocolId(), m.priority(), null, null,
                    new RegisteredDelivery(m.registeredDelivery()), (byte) 0, dataCoding(m),
                    (byte) 0, m.shortMessage(), optionalParameters(m));
            connector.answered(CommandStatus.ESME_ROK, System.nanoTime() - sentAt);
            connector.countSubmitted();
            pending.result().complete(result.getMessageId());
        } catch (NegativeResponseException e) {
            connector.answered(e.getCommandStatus(), System.nanoTime() - sentAt);
            if (connector.retryLater(pending, e.getCommandStatus())) {
                if (SmscConnector.pausesTheBind(e.getCommandStatus())) {
                    connector.countThrottled();
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                }
            } else {
                pending.result().completeExceptionally(new SubmitFailedException(config.name(), e.getCommandStatus()));
            }
        } catch (PDUException | InvalidResponseException e) {
            fail(pending, ESME_RSYSERR, "jSMPP cannot encode it or the SMSC's answer", e);
        } catch (ResponseTimeoutException | IOException e) {
            // The bind is broken or stalled: the supervisor rebinds; the message goes first in line again. jSMPP
            // does not say whether the submit_sm left, so it counts as sent and unanswered.
            if (e instanceof ResponseTimeoutException) {
                connector.countResponseTimeouts(1);
            }
            connector.requeueUnconfirmed(pending);
        } catch (RuntimeException e) {
            fail(pending, ESME_RSYSERR, "jSMPP failed on it", e);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void fail(SmscConnector.Pending pending, int commandStatus, String reason, Throwable cause) {
        connector.fail(label, pending, commandStatus, reason, cause);
    }

    /** jSMPP's constants for an address; they exist only for the TON and NPI values SMPP 3.4 §5.2.5/§5.2.6 define. */
    private record Address(TypeOfNumber ton, NumberingPlanIndicator npi) {
        /** @throws IllegalArgumentException for a value jSMPP has no constant for */
        static Address of(SmppAddress address) {
            return new Address(TypeOfNumber.valueOf(address.ton()), NumberingPlanIndicator.valueOf(address.npi()));
        }
    }

    /**
     * The data_coding octet as the customer sent it. jSMPP's {@code DataCodings.newInstance} rebuilds the octet from
     * what it recognises and drops the bits it does not: 0xF9 (bit 3 of the 3GPP TS 23.038 §4 message-class group,
     * reserved) leaves as 0xF1, 0xFF as 0xF7. A gateway conveys the coding; the SMSC decides what it accepts.
     */
    static DataCoding dataCoding(OutboundMessage m) {
        return new RawDataCoding(m.dataCoding());
    }

    static OptionalParameter[] optionalParameters(OutboundMessage m) {
        List<OptionalParameter> tlvs = new ArrayList<>(4);
        if (m.messagePayload() != null) {
            tlvs.add(new OptionalParameter.OctetString(OptionalParameter.Tag.MESSAGE_PAYLOAD.code(), m.messagePayload()));
        }
        if (m.sar() != null) {
            // sar_msg_ref_num is 16 bits (SMPP 3.4 §5.3.2.22); jSMPP's newSarMsgRefNum(int) narrows it to a byte
            // first, so that 0x0112 would leave as 0x0012 and the handset join parts of different messages.
            tlvs.add(new OptionalParameter.Short(OptionalParameter.Tag.SAR_MSG_REF_NUM, (short) m.sar().reference()));
            tlvs.add(OptionalParameters.newSarTotalSegments(m.sar().total()));
            tlvs.add(OptionalParameters.newSarSegmentSeqnum(m.sar().sequence()));
        }
        return tlvs.toArray(OptionalParameter[]::new);
    }

    /** Turns jSMPP's callbacks into {@link InboundDeliverSm} values; anything else an SMSC might send is refused. */
    private final class Receiver implements MessageReceiverListener {
        @Override
        public void onAcceptDeliverSm(DeliverSm d) throws ProcessRequestException {
            String receipted = null;
            if (d.getOptionalParameter(OptionalParameter.Tag.RECEIPTED_MESSAGE_ID) instanceof OptionalParameter.OctetString id) {
                receipted = id.getValueAsString();
            }
            int state = d.getOptionalParameter(OptionalParameter.Tag.MESSAGE_STATE) instanceof OptionalParameter.Byte s
                    ? s.getValue() & 0xFF : -1;
            byte[] body = d.getShortMessage();
            if ((body == null || body.length == 0)
                    && d.getOptionalParameter(OptionalParameter.Tag.MESSAGE_PAYLOAD) instanceof OptionalParameter.OctetString p) {
                body = p.getValue();
            }
            // jSMPP sends the deliver_sm_resp when this returns: its PDU thread (not an event loop) waits for the
            // group commit in fsync mode, one at a time per processor thread.
            int status = listener.take(new InboundDeliverSm(config.name(),
                    new SmppAddress(d.getSourceAddrTon(), d.getSourceAddrNpi(), d.getSourceAddr()),
                    new SmppAddress(d.getDestAddrTon(), d.getDestAddrNpi(), d.getDestAddress()),
                    d.getEsmClass(), d.getDataCoding(), body, receipted, state)).toCompletableFuture().join();
            if (status != 0) {
                // jSMPP answers deliver_sm_resp with the exception's status.
                throw new ProcessRequestException("deliver_sm not taken", status);
            }
        }

        @Override
        public void onAcceptAlertNotification(AlertNotification alertNotification) {
            // Alert notifications (SMPP 3.4 §4.12) only matter to SMSC-side retry logic Ebb does not use.
        }

        @Override
        public DataSmResult onAcceptDataSm(DataSm dataSm, Session source) throws ProcessRequestException {
            throw new ProcessRequestException("data_sm is not supported southbound", 0x03);
        }
    }
}
