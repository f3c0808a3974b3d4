package dev.ebb.gateway.southbound;

import dev.ebb.gateway.config.ConnectorConfig;
import dev.ebb.gateway.config.SmppServerConfig;
import dev.ebb.gateway.config.SmscBindMode;
import dev.ebb.gateway.core.BindType;
import dev.ebb.gateway.core.DeliverSmListener;
import dev.ebb.gateway.core.InboundDeliverSm;
import dev.ebb.gateway.core.OutboundMessage;
import dev.ebb.gateway.route.SubmitFailedException;
import dev.ebb.gateway.smpp.pdu.CommandId;
import dev.ebb.gateway.smpp.pdu.CommandStatus;
import dev.ebb.gateway.smpp.pdu.InvalidPdu;
import dev.ebb.gateway.smpp.pdu.Pdu;
import dev.ebb.gateway.smpp.pdu.SmppCodec;
import dev.ebb.gateway.smpp.pdu.Tlv;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bind of a connector on Ebb's own client ({@code client: netty}): a Netty channel with {@link SmppCodec}, a
 * window of up to {@code window} submit_sm in flight correlated by sequence_number (SMPP 3.4 §2.6: responses may
 * come in any order), and no thread waiting for a response.
 *
 * <p>Threads. The connector's event loop does framing, correlation, timers and nothing else. A feeder thread per
 * bind takes messages from the connector's queue once a window slot is free, opens their content from the vault
 * (a read and an AES-GCM decryption: its own thread, not the loop's) and hands the submit_sm to the loop. Results,
 * records and deliver_sm go to the bind's worker threads: completing a submit writes its SUBMITTED record, a
 * receipt its final one, and a store may fsync.
 *
 * <p>Faults. A submit_sm unanswered after {@code responseTimeout}, or in flight when the connection drops, is
 * recorded as unconfirmed and sent again within its validity. The connection remembers the sequence_number of the
 * last {@value #MAX_LATE} it gave up on: a late ESME_ROK for one of them is recorded as a duplicate (the SMSC has the
 * message twice), an unknown response is counted and dropped. A refusal, in submit_sm_resp or generic_nack (§4.3),
 * with one of the connector's {@code temporaryErrors} is retried ({@link SmscConnector#retryLater}), ESME_RTHROTTLED
 * and ESME_RMSGQFUL (§5.1.3) pausing this bind with a growing back-off; any other refusal ends the message. A bind quiet for
 * {@code enquireLink} sends enquire_link (§4.11); one that then hears nothing for {@code responseTimeout} is closed
 * and reconnected with back-off.
 */
final class NettySmscBind implements Binding {
    private static final Logger LOG = LoggerFactory.getLogger(NettySmscBind.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    private static final long FIRST_THROTTLE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long MAX_THROTTLE_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** deliver_sm being handled at once before the bind stops reading, so a receipt flood cannot grow the heap. */
    private static final int MAX_DELIVERIES = 1024;
    /** How long an unbind waits for its unbind_resp before the connection is closed anyway (§4.2). */
    private static final long UNBIND_WAIT_MILLIS = 1_000;
    /** Timed-out submits a connection remembers, so that a late answer still tells whether the SMSC took a copy. */
    private static final int MAX_LATE = 4096;
    /** §4.1.1: interface_version 0x34 for SMPP 3.4. */
    private static final byte INTERFACE_VERSION = 0x34;

    private final ConnectorConfig config;
    private final String label;
    private final DeliverSmListener listener;
    private final SmscConnector connector;
    private final RateLimiter rateLimiter;
    /** Free places in the window; the feeder takes one before it takes a message. */
    private final Semaphore slots;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger sequence = new AtomicInteger();
    private final AtomicInteger deliveries = new AtomicInteger();
    private final long responseTimeoutNanos;
    private final Link submitter;
    private final Link receiver;
    private ExecutorService work;
    private Thread feeder;
    private volatile boolean running;
    /** The feeder sends nothing before this System.nanoTime(): the SMSC asked the bind to slow down. */
    private volatile long throttledUntil;
    /** The current throttling pause; 0 once a submit is taken again. Event loop only. */
    private long throttleNanos;

    NettySmscBind(ConnectorConfig config, int index, DeliverSmListener listener, SmscConnector connector) {
        this.config = config;
        this.label = config.name() + "#" + index;
        this.listener = listener;
        this.connector = connector;
        this.rateLimiter = new RateLimiter(config.tps());
        this.slots = new Semaphore(config.window());
        this.responseTimeoutNanos = config.responseTimeout().toNanos();
        if (config.bindMode() == SmscBindMode.TRANSCEIVER) {
            this.submitter = new Link(BindType.TRANSCEIVER);
            this.receiver = null;
        } else {
            this.submitter = new Link(BindType.TRANSMITTER);
            this.receiver = new Link(BindType.RECEIVER);
        }
    }

    @Override
    public void start() {
        running = true;
        // One thread for results and receipts, and DeliverSmListener.MAX_BLOCKED to spare for listeners that wait.
        work = new ThreadPoolExecutor(1 + DeliverSmListener.MAX_BLOCKED, 1 + DeliverSmListener.MAX_BLOCKED, 0,
                TimeUnit.SECONDS, new LinkedBlockingQueue<>(), new DefaultThreadFactory("smsc-" + label + "-work", true));
        submitter.connect();
        if (receiver != null) {
            receiver.connect();
        }
        feeder = new Thread(this::feed, "smsc-" + label + "-feed");
        feeder.setDaemon(true);
        feeder.start();
    }

    @Override
    public boolean isBound() {
        return submitter.session != null && (receiver == null || receiver.session != null);
    }

    @Override
    public int inFlight() {
        return inFlight.get();
    }

    @Override
    public void close() {
        running = false;
        if (feeder != null) {
            feeder.interrupt();
            join(feeder);
        }
        // Graceful: the submits in flight get their answers first, bounded by the response timeout (which would
        // end each of them anyway).
        long drainUntil = System.nanoTime() + responseTimeoutNanos;
        while (inFlight.get() > 0 && System.nanoTime() < drainUntil) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        closing.add(submitter.unbind());
        if (receiver != null) {
            closing.add(receiver.unbind());
        }
        try {
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
                    .get(UNBIND_WAIT_MILLIS * 2, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            LOG.warn("connector {} did not unbind cleanly: {}", label, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (work != null) {
            work.shutdown();
            try {
                work.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void join(Thread thread) {
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The feeder: a free window slot, then a message, its content, the TPS limit, then off to the event loop. */
    private void feed() {
        while (running) {
            if (submitter.session == null) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                continue;
            }
            long pause = throttledUntil - System.nanoTime();
            if (pause > 0) {
                LockSupport.parkNanos(pause);
                continue;
            }
            try {
                if (!slots.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    continue;
                }
            } catch (InterruptedException e) {
                return;
            }
            SmscConnector.Pending pending;
            try {
                pending = connector.take(100);
            } catch (InterruptedException e) {
                slots.release();
                return;
            }
            Pdu.SubmitSm pdu = pending == null ? null : prepare(pending);
            if (pdu == null) {
                slots.release();
                continue;
            }
            rateLimiter.acquire();
            send(new Sent(pending, pdu));
        }
    }

    /** The submit_sm of a message, or null when the message ended here or went back to the queue. */
    private Pdu.SubmitSm prepare(SmscConnector.Pending pending) {
        Optional<OutboundMessage> content = connector.open(label, pending, !running);
        if (content.isEmpty()) {
            return null;
        }
        try {
            return submitSm(nextSequence(), content.get());
        } catch (RuntimeException e) {
            connector.fail(label, pending, CommandStatus.ESME_RSYSERR, "its submit_sm cannot be built", e);
            return null;
        }
    }

    /**
     * The submit_sm for {@code m}, the fields and TLVs as the jSMPP connector sends them: schedule_delivery_time
     * and validity_period empty (Ebb holds scheduled messages and enforces validity itself), message_payload
     * (§5.3.2.32) and the sar_ triple (§5.3.2.22–24, the reference in two octets) in that order.
     */
    static Pdu.SubmitSm submitSm(int sequenceNumber, OutboundMessage m) {
        List<Tlv> tlvs = new ArrayList<>(4);
        byte[] payload = m.messagePayload();
        if (payload != null) {
            tlvs.add(new Tlv(Tlv.MESSAGE_PAYLOAD, payload));
        }
        OutboundMessage.Sar sar = m.sar();
        if (sar != null) {
            tlvs.add(new Tlv(Tlv.SAR_MSG_REF_NUM, new byte[] {(byte) (sar.reference() >> 8), (byte) sar.reference()}));
            tlvs.add(new Tlv(Tlv.SAR_TOTAL_SEGMENTS, new byte[] {(byte) sar.total()}));
            tlvs.add(new Tlv(Tlv.SAR_SEGMENT_SEQNUM, new byte[] {(byte) sar.sequence()}));
        }
        return Pdu.SubmitSm.builder().sequenceNumber(sequenceNumber).serviceType(m.serviceType()).source(m.source())
                .destination(m.destination()).esmClass(m.esmClass()).protocolId(m.protocolId())
                .priorityFlag(m.priority()).registeredDelivery(m.registeredDelivery()).dataCoding(m.dataCoding())
                .shortMessage(m.shortMessage()).tlvs(tlvs).build();
    }

    /** §3.2: sequence_number runs 0x00000001..0x7FFFFFFF, then wraps. */
    private int nextSequence() {
        int next = sequence.incrementAndGet() & 0x7FFFFFFF;
        return next == 0 ? nextSequence() : next;
    }

    /** Hands a submit_sm holding a window slot to the bound session's event loop. */
    private void send(Sent sent) {
        Session session = submitter.session;
        if (session == null) {
            unsent(sent);
            return;
        }
        try {
            session.channel.eventLoop().execute(() -> session.write(sent));
        } catch (RejectedExecutionException stopping) {
            unsent(sent);
        }
    }

    /** A submit_sm that never left: its slot is free again, the message first in line. */
    private void unsent(Sent sent) {
        slots.release();
        connector.requeue(sent.pending());
    }

    /** Runs {@code task} on the bind's worker threads, or here once they are gone (stopping). */
    private void offLoop(Runnable task) {
        try {
            work.execute(task);
        } catch (RejectedExecutionException stopping) {
            task.run();
        }
    }

    /** ESME_RTHROTTLED / ESME_RMSGQFUL: pause the feeder, doubling the pause while the SMSC keeps asking. */
    private void slowDown() {
        long now = System.nanoTime();
        if (now - throttledUntil >= 0) {
            throttleNanos = throttleNanos == 0 ? FIRST_THROTTLE_NANOS : Math.min(throttleNanos * 2, MAX_THROTTLE_NANOS);
            throttledUntil = now + throttleNanos;
            LOG.info("connector {} throttled by the SMSC; pausing submits for {} ms", label,
                    TimeUnit.NANOSECONDS.toMillis(throttleNanos));
        }
        connector.countThrottled();
    }

    private static InboundDeliverSm inbound(String connector, Pdu.DeliverSm d) {
        String receipted = d.tlv(Tlv.RECEIPTED_MESSAGE_ID).map(t -> cOctets(t.value())).orElse(null);
        int state = d.tlv(Tlv.MESSAGE_STATE).filter(t -> t.length() == 1).map(t -> t.value()[0] & 0xFF).orElse(-1);
        byte[] body = d.shortMessage();
        if (body.length == 0) {
            body = d.tlv(Tlv.MESSAGE_PAYLOAD).map(Tlv::value).orElse(body);
        }
        return new InboundDeliverSm(connector, d.source(), d.destination(), d.esmClass(), d.dataCoding(), body,
                receipted, state);
    }

    /** receipted_message_id is a C-Octet String (§5.3.2.12): up to its NUL. */
    private static String cOctets(byte[] value) {
        int end = 0;
        while (end < value.length && value[end] != 0) {
            end++;
        }
        return new String(value, 0, end, StandardCharsets.ISO_8859_1);
    }

    /** A submit_sm in the window. {@code sentAt} is set and read on the event loop only. */
    private static final class Sent {
        private final SmscConnector.Pending pending;
        private final Pdu.SubmitSm pdu;
        private long sentAt;

        Sent(SmscConnector.Pending pending, Pdu.SubmitSm pdu) {
            this.pending = pending;
            this.pdu = pdu;
        }

        SmscConnector.Pending pending() {
            return pending;
        }
    }

    /** One connection of the bind, re-established with back-off whenever it is lost. */
    private final class Link {
        private final BindType type;
        /** The bound session, or null. */
        private volatile Session session;
        private volatile Session current;
        /** Event loop only. */
        private Duration backoff = FIRST_BACKOFF;

        Link(BindType type) {
            this.type = type;
        }

        void connect() {
            if (!running) {
                return;
            }
            new Bootstrap().group(connector.eventLoop()).channel(NioSocketChannel.class)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(config.responseTimeout().toMillis(), 30_000))
                    .option(ChannelOption.TCP_NODELAY, true)
                    // Not writable (and so not read from, channelWritabilityChanged) only once 1 MB waits above the
                    // socket's own buffer: Ebb's submits are bounded by the window, so it is answers the SMSC does not
                    // read that get there, not a window of long submits to an SMSC that reads slowly while it sends
                    // (had Ebb stopped reading for those, an SMSC blocked in writing to it would read nothing either,
                    // until the dead-peer timer closed the bind).
                    .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(512 * 1024, 1024 * 1024))
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            long idle = config.enquireLink().toMillis();
                            ch.pipeline().addLast(new FlushConsolidationHandler(256, true),
                                    new SmppCodec(SmppServerConfig.DEFAULT_MAX_COMMAND_LENGTH),
                                    new IdleStateHandler(idle + config.responseTimeout().toMillis(), 0, idle,
                                            TimeUnit.MILLISECONDS),
                                    new Session(Link.this));
                        }
                    })
                    .connect(config.host(), config.port()).addListener(f -> {
                        if (!f.isSuccess()) {
                            LOG.warn("connector {} cannot connect to {}:{} ({}); retrying in {} ms", label, config.host(),
                                    config.port(), f.cause().toString(), backoff.toMillis());
                            reconnectLater();
                        }
                    });
        }

        /** Event loop. */
        void reconnectLater() {
            if (!running) {
                return;
            }
            connector.countReconnect();
            Duration wait = backoff;
            backoff = backoff.multipliedBy(2).compareTo(config.reconnectMax()) > 0 ? config.reconnectMax()
                    : backoff.multipliedBy(2);
            connector.eventLoop().schedule(this::connect, wait.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** Event loop. */
        void bound(Session s) {
            backoff = FIRST_BACKOFF;
            session = s;
            LOG.info("connector {} bound to {}:{} as {}", label, config.host(), config.port(), type);
        }

        /** Unbinds the current connection; completes once it is closed. */
        CompletableFuture<Void> unbind() {
            Session s = current;
            if (s == null) {
                return CompletableFuture.completedFuture(null);
            }
            s.channel.eventLoop().execute(s::unbind);
            return s.closed;
        }
    }

    /** The handler of one connection: bind, window, responses, deliver_sm, keep-alive. Event loop only. */
    private final class Session extends ChannelInboundHandlerAdapter {
        private final Link link;
        /** submit_sm in flight by sequence_number, oldest first. */
        private final LinkedHashMap<Integer, Sent> window = new LinkedHashMap<>();
        /** submit_sm given up as unanswered and sent again, by sequence_number, the newest {@link #MAX_LATE}. */
        private final LinkedHashMap<Integer, Sent> late = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Integer, Sent> eldest) {
                return size() > MAX_LATE;
            }
        };
        private final CompletableFuture<Void> closed = new CompletableFuture<>();
        private Channel channel;
        private int bindSequence;
        private boolean bound;
        private boolean unbinding;
        private long unmatchedLogged;
        private long invalidLogged;
        private ScheduledFuture<?> timer;

        Session(Link link) {
            this.link = link;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channel = ctx.channel();
            link.current = this;
            bindSequence = nextSequence();
            ctx.writeAndFlush(new Pdu.Bind(link.type, bindSequence, config.systemId(), config.password(),
                    config.systemType(), INTERFACE_VERSION, (byte) 0, (byte) 0, ""));
            long sweep = Math.max(TimeUnit.MILLISECONDS.toNanos(5), responseTimeoutNanos / 4);
            long bindDeadline = System.nanoTime() + responseTimeoutNanos;
            timer = ctx.executor().scheduleAtFixedRate(() -> {
                if (!bound && System.nanoTime() - bindDeadline > 0) {
                    LOG.warn("connector {}: no bind_resp within {}; reconnecting", label, config.responseTimeout());
                    channel.close();
                } else {
                    expireUnanswered();
                }
            }, sweep, sweep, TimeUnit.NANOSECONDS);
        }

        void write(Sent sent) {
            if (!bound || unbinding || !channel.isActive()) {
                unsent(sent);
                return;
            }
            sent.sentAt = System.nanoTime();
            window.put(sent.pdu.sequenceNumber(), sent);
            inFlight.incrementAndGet();
            channel.writeAndFlush(sent.pdu, channel.voidPromise());
        }

        /** Submits unanswered for the response timeout are sent again; the window is oldest first. */
        private void expireUnanswered() {
            long limit = System.nanoTime() - responseTimeoutNanos;
            List<Sent> expired = new ArrayList<>();
            for (Iterator<Sent> it = window.values().iterator(); it.hasNext(); ) {
                Sent sent = it.next();
                if (sent.sentAt - limit > 0) {
                    break;
                }
                it.remove();
                expired.add(sent);
                late.put(sent.pdu.sequenceNumber(), sent);
            }
            if (!expired.isEmpty()) {
                connector.countResponseTimeouts(expired.size());
                LOG.warn("connector {}: {} submit_sm unanswered after {}; sending them again", label, expired.size(),
                        config.responseTimeout());
                expired.forEach(this::unconfirmed);
            }
        }

        /** Sent and never answered: the record says so before it is sent again. */
        private void unconfirmed(Sent sent) {
            slots.release();
            inFlight.decrementAndGet();
            offLoop(() -> connector.requeueUnconfirmed(sent.pending));
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof InvalidPdu invalid) {
                onInvalid(invalid);
            } else if (msg instanceof Pdu.SubmitSmResp resp) {
                onSubmitResponse(resp.sequenceNumber(), resp.commandStatus(), resp.messageId());
            } else if (msg instanceof Pdu.DeliverSm deliver) {
                onDeliverSm(deliver);
            } else if (msg instanceof Pdu.EnquireLink link) {
                ctx.writeAndFlush(new Pdu.EnquireLinkResp(link.sequenceNumber(), CommandStatus.ESME_ROK));
            } else if (msg instanceof Pdu.BindResp resp) {
                onBindResponse(resp);
            } else if (msg instanceof Pdu.GenericNack nack) {
                onGenericNack(nack);
            } else if (msg instanceof Pdu.Unbind unbind) {
                // §4.2: the SMSC is going; answer, and reconnect once it has closed. The bind takes no more submits
                // now: while it stayed the link's session the feeder kept taking messages (opening each from the
                // vault) that write() handed straight back, a busy loop for as long as the SMSC kept the
                // connection open. An SMSC that never closes it is closed on after the grace period.
                LOG.info("connector {}: {}:{} unbound its {} bind; reconnecting", label, config.host(), config.port(),
                        link.type);
                unbinding = true;
                if (link.session == this) {
                    link.session = null;
                }
                ctx.writeAndFlush(new Pdu.UnbindResp(unbind.sequenceNumber(), CommandStatus.ESME_ROK));
                ctx.executor().schedule(() -> channel.close(), UNBIND_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            } else if (msg instanceof Pdu.UnbindResp) {
                ctx.close();
            } else if (msg instanceof Pdu.EnquireLinkResp) {
                // Its arrival is what counts: the read resets the dead-peer timer.
            } else if (msg instanceof Pdu.Request<?> request) {
                // data_sm, query_sm and the like from an SMSC: §5.1.3 ESME_RINVCMDID, as the jSMPP connector answers.
                ctx.writeAndFlush(request.errorResponse(CommandStatus.ESME_RINVCMDID));
            } else if (msg instanceof Pdu.Response response) {
                unmatched(CommandId.name(response.commandId()), response.sequenceNumber());
            }
        }

        private void onBindResponse(Pdu.BindResp resp) {
            if (resp.sequenceNumber() != bindSequence || bound) {
                unmatched("bind_resp", resp.sequenceNumber());
                return;
            }
            if (resp.commandStatus() != CommandStatus.ESME_ROK) {
                LOG.warn("connector {}: bind refused by {}:{} with {}", label, config.host(), config.port(),
                        CommandStatus.name(resp.commandStatus()));
                channel.close();
                return;
            }
            bound = true;
            link.bound(this);
        }

        private void onSubmitResponse(int sequenceNumber, int status, String smscId) {
            Sent sent = window.remove(sequenceNumber);
            if (sent == null) {
                Sent gaveUp = late.remove(sequenceNumber);
                if (gaveUp != null && status == CommandStatus.ESME_ROK) {
                    LOG.info("connector {}: submit_sm of message {} answered after its response timeout, and it was"
                            + " sent again: the SMSC has it twice (recorded SUBMIT_DUPLICATE)", label,
                            gaveUp.pending.message().messageId());
                    offLoop(() -> connector.duplicated(gaveUp.pending, smscId));
                } else {
                    // Unknown, or a late refusal: no copy was taken, and the copy sent again goes on.
                    unmatched("submit_sm_resp", sequenceNumber);
                }
                return;
            }
            connector.answered(status, System.nanoTime() - sent.sentAt);
            slots.release();
            inFlight.decrementAndGet();
            if (status == CommandStatus.ESME_ROK) {
                throttleNanos = 0;
                offLoop(() -> {
                    connector.countSubmitted();
                    sent.pending.result().complete(smscId);
                });
            } else if (connector.retryLater(sent.pending, status)) {
                // §5.1.3: "not now", not "never": the SMSC did not take it; it goes again after a back-off.
                if (SmscConnector.pausesTheBind(status)) {
                    slowDown();
                }
            } else {
                offLoop(() -> sent.pending.result().completeExceptionally(new SubmitFailedException(config.name(), status)));
            }
        }

        /**
         * §4.3: generic_nack answers a PDU the SMSC could not take (its header, or a command it does not know). For a
         * submit_sm in the window it is that submit's refusal; a bind nacked is a bind refused.
         */
        private void onGenericNack(Pdu.GenericNack nack) {
            if (window.containsKey(nack.sequenceNumber())) {
                int status = nack.commandStatus() == CommandStatus.ESME_ROK ? CommandStatus.ESME_RSYSERR : nack.commandStatus();
                onSubmitResponse(nack.sequenceNumber(), status, null);
            } else if (!bound && nack.sequenceNumber() == bindSequence) {
                LOG.warn("connector {}: bind answered generic_nack {}", label, CommandStatus.name(nack.commandStatus()));
                channel.close();
            } else {
                unmatched("generic_nack", nack.sequenceNumber());
            }
        }

        /**
         * A frame the codec could not read. A request is answered as the spec names (§5.1.3), except
         * alert_notification, which has no response (§4.12). A submit_sm_resp that cannot be read leaves its submit's
         * outcome unknown: it is sent again, recorded as unconfirmed.
         */
        private void onInvalid(InvalidPdu invalid) {
            // Once per connection at WARN: an SMSC sending nothing but broken deliver_sm wrote a WARN line each,
            // as fast as it could send them.
            if (invalidLogged++ == 0) {
                LOG.warn("connector {}: unreadable {} from the SMSC: {}; answered, and further ones on this connection"
                        + " logged at DEBUG", label, CommandId.name(invalid.commandId()), invalid);
            } else {
                LOG.debug("connector {}: unreadable {} from the SMSC: {}", label, CommandId.name(invalid.commandId()),
                        invalid);
            }
            if (invalid.commandId() == (CommandId.RESPONSE | CommandId.SUBMIT_SM)) {
                Sent sent = window.remove(invalid.sequenceNumber());
                if (sent != null) {
                    unconfirmed(sent);
                }
            } else if (!CommandId.isResponse(invalid.commandId())
                    && invalid.commandId() != CommandId.ALERT_NOTIFICATION) {
                channel.writeAndFlush(invalid.response());
            }
        }

        private void onDeliverSm(Pdu.DeliverSm deliver) {
            InboundDeliverSm inbound = inbound(config.name(), deliver);
            if (deliveries.incrementAndGet() >= MAX_DELIVERIES) {
                channel.config().setAutoRead(false);
            }
            Channel ch = channel;
            offLoop(() -> {
                CompletionStage<Integer> status;
                try {
                    status = listener.take(inbound);
                } catch (RuntimeException e) {
                    // §5.1.3 ESME_RX_T_APPN: a temporary failure of Ebb's; the SMSC keeps the message and retries.
                    LOG.warn("connector {}: a deliver_sm could not be taken ({})", label, e.getClass().getName());
                    status = CompletableFuture.completedFuture(CommandStatus.ESME_RX_T_APPN);
                }
                // Answered once durable (a group commit in fsync mode), from whichever thread completes it.
                status.whenComplete((taken, failed) -> {
                    ch.writeAndFlush(new Pdu.DeliverSmResp(deliver.sequenceNumber(),
                            failed == null ? taken : CommandStatus.ESME_RX_T_APPN));
                    if (deliveries.decrementAndGet() == MAX_DELIVERIES / 2) {
                        ch.eventLoop().execute(() -> ch.config().setAutoRead(ch.isWritable()));
                    }
                });
            });
        }

        /**
         * An SMSC that does not read what Ebb writes (deliver_sm_resp, enquire_link_resp) is not read from until it
         * does: each PDU read is answered, and the answers would otherwise pile up in the channel's outbound buffer
         * without bound. Reading nothing, the bind is closed by the dead-peer timer if the SMSC never drains.
         */
        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            ctx.channel().config().setAutoRead(ctx.channel().isWritable() && deliveries.get() < MAX_DELIVERIES);
            ctx.fireChannelWritabilityChanged();
        }

        private void unmatched(String what, int sequenceNumber) {
            connector.countUnmatched();
            if (unmatchedLogged++ == 0) {
                LOG.warn("connector {}: {} with sequence_number {} answers nothing in flight (late after a timeout, or "
                        + "unknown); ignored, and further ones counted in ebb_southbound_unmatched_responses_total",
                        label, what, sequenceNumber);
            } else {
                LOG.debug("connector {}: unmatched {} seq {}", label, what, sequenceNumber);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent idle) {
                if (idle.state() == IdleState.ALL_IDLE) {
                    ctx.writeAndFlush(new Pdu.EnquireLink(nextSequence()));
                } else if (idle.state() == IdleState.READER_IDLE) {
                    LOG.warn("connector {}: nothing heard from {}:{} for {} after enquire_link; reconnecting", label,
                            config.host(), config.port(), config.enquireLink().plus(config.responseTimeout()));
                    ctx.close();
                }
            } else {
                ctx.fireUserEventTriggered(evt);
            }
        }

        /** Graceful end: unbind (§4.2), close on unbind_resp or after a grace period. */
        void unbind() {
            if (!channel.isActive()) {
                return;
            }
            unbinding = true;
            if (bound) {
                channel.writeAndFlush(new Pdu.Unbind(nextSequence()));
                channel.eventLoop().schedule(() -> channel.close(), UNBIND_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            } else {
                channel.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // The class only: a decoder's or socket's message could quote bytes of a PDU.
            LOG.warn("connector {}: connection error ({}); reconnecting", label, cause.getClass().getName());
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (timer != null) {
                timer.cancel(false);
            }
            if (link.session == this) {
                link.session = null;
                if (running) {
                    LOG.warn("connector {} lost its {} bind to {}:{}", label, link.type, config.host(), config.port());
                }
            }
            if (link.current == this) {
                link.current = null;
            }
            late.clear(); // their answers can no longer come
            if (!window.isEmpty()) {
                LOG.warn("connector {}: connection closed with {} submit_sm unanswered; sending them again", label,
                        window.size());
                List<Sent> lost = new ArrayList<>(window.values());
                window.clear();
                lost.forEach(this::unconfirmed);
            }
            closed.complete(null);
            link.reconnectLater();
        }
    }
}
