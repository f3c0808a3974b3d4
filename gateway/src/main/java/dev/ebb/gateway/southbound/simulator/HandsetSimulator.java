package dev.ebb.gateway.southbound.simulator;

import dev.ebb.gateway.config.SimulatorConfig;
import dev.ebb.gateway.config.SmppServerConfig;
import dev.ebb.gateway.core.MessageState;
import dev.ebb.gateway.core.SmppAddress;
import dev.ebb.gateway.net.WriteBackpressure;
import dev.ebb.gateway.smpp.pdu.Pdu;
import dev.ebb.gateway.smpp.pdu.SmppCodec;
import dev.ebb.gateway.config.SimulatorConfig.Faults;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded handset simulator: an operator SMSC on loopback, so that Ebb runs with nothing else installed.
 *
 * <p>It accepts binds with the configured system_id and password, answers every submit_sm with its own message id
 * and, when registered_delivery asks for one (SMPP 3.4 §5.2.17), sends a delivery receipt (deliver_sm, esm_class
 * 0x04, Appendix B text, receipted_message_id and message_state TLVs) after {@code receiptDelay}: DELIVRD, or
 * UNDELIV for destinations matching a {@link SimulatorConfig.FailureRule}. A receipt goes back on the session the
 * submit came from if that session can receive, else round-robin to another bound receiver; with none bound it is
 * dropped and counted ({@link #receiptsDropped()}). {@link #sendMo} plays a handset sending a message.
 *
 * <p>Faults, as operators' SMSCs have them: the config's {@link SimulatorConfig.Faults} (or {@link #faults} at run time)
 * answer a share of submits ESME_RTHROTTLED, with a temporary error, late, or not at all (the connection closes);
 * {@link #dropConnections} closes every connection at once, whatever is in flight on it; {@link #down} closes the
 * listener too until {@link #up} (or {@link #downFor}). What was never answered is counted ({@link #unanswered()}).
 *
 * <p>Threading: sessions run on the given event loop group's threads and never block; the receipt delay is
 * measured on the event loop's scheduler, receipt dates come from {@code clock}. {@code random} decides failures
 * from several event-loop threads, so it must be safe for concurrent use (e.g. {@link java.util.Random}).
 * Message ids start with a random prefix, so ids from an earlier run do not come back after a restart.
 */
public final class HandsetSimulator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HandsetSimulator.class);
    /** How long close() waits for the sessions to unbind. */
    private static final long CLOSE_TIMEOUT_MILLIS = 3_000;
    private static final int RECEIPT_ON_FAILURE = 0x02;

    private final SimulatorConfig config;
    private final Clock clock;
    private final FailureRules failures;
    private final long receiptDelayNanos;
    private final String idPrefix;
    private final AtomicLong ids = new AtomicLong();
    private final LongAdder submitted = new LongAdder();
    private final LongAdder receiptsSent = new LongAdder();
    private final LongAdder receiptsDropped = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder answeredLate = new LongAdder();
    private final LongAdder unanswered = new LongAdder();
    private final AtomicInteger owed = new AtomicInteger();
    private final RandomGenerator random;
    private volatile Faults faults;
    private ServerBootstrap bootstrap;
    private EventLoopGroup group;
    private int listenPort;
    /** Listener closed by {@link #down}; guarded by this. */
    private boolean down;
    private final Set<SimulatorSession> sessions = ConcurrentHashMap.newKeySet();
    /** Bound RX/TRX sessions: replaced under the monitor on (un)bind, read without a lock when a receipt goes out. */
    private volatile SimulatorSession[] receivers = new SimulatorSession[0];
    private final AtomicInteger nextReceiver = new AtomicInteger();
    private volatile boolean closed;
    private Channel serverChannel;

    private HandsetSimulator(SimulatorConfig config, Clock clock, RandomGenerator random) {
        this.config = config;
        this.clock = clock;
        this.failures = new FailureRules(config.failures(), random);
        this.random = random;
        this.faults = config.faults();
        this.receiptDelayNanos = config.receiptDelay().toNanos();
        // Top bit set: eight hex digits without a leading zero, so the id is the same after DeliveryReceipt.canonicalId.
        this.idPrefix = Integer.toHexString(random.nextInt() | 0x10000000);
    }

    /**
     * Listens on {@code config.host():config.port()} (port 0: an ephemeral port, see {@link #port()}). Starts
     * whatever {@code config.enabled()} says: whether to start it at all is the caller's decision.
     *
     * @param group runs both the listening socket and the sessions; the caller owns and shuts it down
     * @throws io.netty.channel.ChannelException or the bind's {@link java.net.BindException} if the port is taken
     */
    public static HandsetSimulator start(SimulatorConfig config, EventLoopGroup group, Clock clock, RandomGenerator random) {
        HandsetSimulator simulator = new HandsetSimulator(config, clock, random);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WriteBackpressure.WATER_MARK)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, WriteBackpressure.RECEIVE_BUFFERS)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        // The codec keeps per-connection framing state: one per channel.
                        channel.pipeline().addLast(WriteBackpressure.INSTANCE, new SmppCodec(SmppServerConfig.DEFAULT_MAX_COMMAND_LENGTH),
                                new SimulatorSession(simulator));
                    }
                });
        ChannelFuture bind = bootstrap.bind(config.host(), config.port()).syncUninterruptibly();
        simulator.bootstrap = bootstrap;
        simulator.group = group;
        simulator.serverChannel = bind.channel();
        simulator.listenPort = ((InetSocketAddress) bind.channel().localAddress()).getPort();
        LOG.info("handset simulator listening on {}:{}", config.host(), simulator.port());
        return simulator;
    }

    /** The port listened on, also when the config asked for port 0 (and while {@link #down}). */
    public int port() {
        return listenPort;
    }

    /** From now on submits are answered with these faults (tests; the config gives the first ones). */
    public void faults(Faults faults) {
        this.faults = faults;
    }

    /**
     * Closes every connection at once, without unbind, like an SMSC that crashes or a network that drops: submits
     * in flight on them stay unanswered.
     */
    public void dropConnections() {
        sessions.forEach(SimulatorSession::drop);
    }

    /** Down: the listener closes, so binds are refused, and every connection is dropped; until {@link #up}. */
    public synchronized void down() {
        if (down || closed) {
            return;
        }
        down = true;
        serverChannel.close().syncUninterruptibly();
        dropConnections();
        LOG.info("handset simulator down: listener on port {} closed, connections dropped", listenPort);
    }

    /** Listens again on the same port after {@link #down}. Binds asynchronously when called on an event loop. */
    public synchronized void up() {
        if (!down || closed) {
            return;
        }
        ChannelFuture bind = bootstrap.bind(config.host(), listenPort);
        serverChannel = bind.channel();
        down = false;
        if (!bind.channel().eventLoop().inEventLoop()) {
            bind.syncUninterruptibly();
        }
        LOG.info("handset simulator up again on port {}", listenPort);
    }

    /** {@link #down} now, {@link #up} after {@code period}. */
    public void downFor(Duration period) {
        down();
        group.next().schedule(this::up, period.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** submit_sm answered ESME_RTHROTTLED or with a temporary error by the {@link #faults}. */
    public long refused() {
        return refused.sum();
    }

    /** submit_sm answered ESME_ROK late, after the faults' {@code lateBy}. */
    public long answeredLate() {
        return answeredLate.sum();
    }

    /** submit_sm the faults answer late whose answer is not yet written. */
    public int answersOwed() {
        return owed.get();
    }

    /** submit_sm never answered: their connection closed first (a dropped fault, {@link #dropConnections}, down). */
    public long unanswered() {
        return unanswered.sum();
    }

    /** submit_sm accepted so far. */
    public long submitted() {
        return submitted.sum();
    }

    /** Delivery receipts written to a session so far. */
    public long receiptsSent() {
        return receiptsSent.sum();
    }

    /** Delivery receipts dropped because no receiver was bound when they fell due. */
    public long receiptsDropped() {
        return receiptsDropped.sum();
    }

    /**
     * A handset sends a message: a deliver_sm with esm_class 0 (SMPP 3.4 §4.6.1) to one bound receiver, chosen
     * round-robin.
     *
     * @param shortMessage at most 254 octets (§5.2.21)
     * @return completes when the ESME answers deliver_sm_resp ESME_ROK; fails with
     *         {@link MoNotDeliveredException} if no receiver is bound, the ESME refuses it or the connection closes
     *         first
     */
    public CompletionStage<Void> sendMo(SmppAddress from, SmppAddress to, byte dataCoding, byte[] shortMessage) {
        if (shortMessage.length > 254) {
            throw new IllegalArgumentException("short_message holds at most 254 octets (SMPP 3.4 §5.2.21)");
        }
        SimulatorSession receiver = closed ? null : nextReceiver();
        if (receiver == null) {
            return CompletableFuture.failedFuture(new MoNotDeliveredException("no receiver is bound", -1));
        }
        CompletableFuture<Void> result = new CompletableFuture<>();
        // Sequence number 0 is replaced by the receiving session's own when it writes.
        receiver.deliverMo(Pdu.DeliverSm.builder().source(from).destination(to).dataCoding(dataCoding)
                .shortMessage(shortMessage).build(), result);
        return result;
    }

    /**
     * Stops listening, unbinds every bound session (SMPP 3.4 §4.2) and closes all connections, waiting up to a few
     * seconds for them; receipts not yet due are dropped. Blocks, so never call it on an event-loop thread.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        synchronized (this) {
            closed = true;
        }
        serverChannel.close().syncUninterruptibly();
        List<ChannelFuture> closing = new ArrayList<>();
        sessions.forEach(session -> closing.add(session.unbindAndClose()));
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_TIMEOUT_MILLIS);
        for (ChannelFuture future : closing) {
            future.awaitUninterruptibly(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
        LOG.info("handset simulator stopped: {} submitted, {} receipts sent, {} dropped", submitted(), receiptsSent(),
                receiptsDropped());
    }

    String systemId() {
        return config.systemId();
    }

    String password() {
        return config.password();
    }

    /** Unique within this run: the random prefix, then a counter in hex. */
    String nextMessageId() {
        return idPrefix + Long.toHexString(ids.incrementAndGet());
    }

    /**
     * The receipt {@code submit} asks for, or {@code null}. SMPP 3.4 §5.2.17: registered_delivery bits 0–1 = 01
     * asks for a receipt whatever the outcome, 10 only on failure; 11 is reserved and treated as 01.
     */
    PendingReceipt receiptFor(String messageId, Pdu.SubmitSm submit) {
        int requested = submit.registeredDelivery() & 0x03;
        if (requested == 0) {
            return null;
        }
        MessageState state = failures.outcome(submit.destination());
        if (requested == RECEIPT_ON_FAILURE && state == MessageState.DELIVERED) {
            return null;
        }
        return new PendingReceipt(messageId, submit.destination(), submit.source(), clock.instant(), state);
    }

    /** Sends {@code due} after the receipt delay, on {@code origin}'s event loop. */
    void scheduleReceipts(SimulatorSession origin, List<PendingReceipt> due) {
        Runnable send = () -> sendReceipts(origin, due);
        if (receiptDelayNanos == 0) {
            origin.executor().execute(send);
        } else {
            origin.executor().schedule(send, receiptDelayNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void sendReceipts(SimulatorSession origin, List<PendingReceipt> due) {
        if (closed) {
            receiptsDropped.add(due.size());
            return;
        }
        Instant done = clock.instant();
        boolean toOrigin = origin.canReceive();
        for (PendingReceipt receipt : due) {
            SimulatorSession target = toOrigin ? origin : nextReceiver();
            if (target == null) {
                receiptsDropped.increment();
            } else {
                target.deliverReceipt(receipt, done);
            }
        }
    }

    /** Receipts a session could not get acknowledged go out again, to whichever receiver is bound. */
    void redeliver(List<PendingReceipt> receipts) {
        Instant done = clock.instant();
        for (PendingReceipt receipt : receipts) {
            SimulatorSession target = closed ? null : nextReceiver();
            if (target == null) {
                receiptsDropped.increment();
            } else {
                target.deliverReceipt(receipt, done);
            }
        }
    }

    private SimulatorSession nextReceiver() {
        SimulatorSession[] current = receivers;
        if (current.length == 0) {
            return null;
        }
        return current[Math.floorMod(nextReceiver.getAndIncrement(), current.length)];
    }

    void opened(SimulatorSession session) {
        sessions.add(session);
        if (closed) {
            session.unbindAndClose();
        }
    }

    void closed(SimulatorSession session) {
        sessions.remove(session);
    }

    synchronized void receiverBound(SimulatorSession session) {
        SimulatorSession[] next = Arrays.copyOf(receivers, receivers.length + 1);
        next[next.length - 1] = session;
        receivers = next;
    }

    synchronized void receiverUnbound(SimulatorSession session) {
        receivers = Arrays.stream(receivers).filter(s -> s != session).toArray(SimulatorSession[]::new);
    }

    void countSubmitted() {
        submitted.increment();
    }

    void countRefused() {
        refused.increment();
    }

    void countAnsweredLate() {
        answeredLate.increment();
    }

    void owe(int answers) {
        owed.addAndGet(answers);
    }

    void countUnanswered(int submits) {
        unanswered.add(submits);
    }

    /** What the faults make of the next submit_sm. Called on event-loop threads. */
    Fault nextFault() {
        Faults f = faults;
        if (!f.any()) {
            return Fault.NONE;
        }
        double x = random.nextDouble();
        if ((x -= f.throttled()) < 0) {
            return Fault.THROTTLED;
        }
        if ((x -= f.temporary()) < 0) {
            return Fault.TEMPORARY;
        }
        if ((x -= f.late()) < 0) {
            return Fault.LATE;
        }
        return x - f.dropped() < 0 ? Fault.DROPPED : Fault.NONE;
    }

    Faults currentFaults() {
        return faults;
    }

    /** What becomes of one submit_sm. */
    enum Fault { NONE, THROTTLED, TEMPORARY, LATE, DROPPED }

    void countReceiptSent() {
        receiptsSent.increment();
    }

    void countDropped() {
        receiptsDropped.increment();
    }

    /** A mobile-originated message did not reach an ESME. */
    public static final class MoNotDeliveredException extends RuntimeException {
        private final int commandStatus;

        MoNotDeliveredException(String reason, int commandStatus) {
            super("MO message not delivered: " + reason, null, false, false);
            this.commandStatus = commandStatus;
        }

        /** The ESME's deliver_sm_resp command_status, or -1 when it never answered. */
        public int commandStatus() {
            return commandStatus;
        }
    }
}
