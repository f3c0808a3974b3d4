package dev.ebb.gateway.southbound.simulator;

import dev.ebb.gateway.core.BindType;
import dev.ebb.gateway.smpp.pdu.CommandStatus;
import dev.ebb.gateway.smpp.pdu.InvalidPdu;
import dev.ebb.gateway.smpp.pdu.Pdu;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SMSC side of one connection to the {@link HandsetSimulator}: the SMPP 3.4 session state machine (§2.2)
 * over decoded {@link Pdu} records.
 *
 * <p>All fields are confined to the channel's event loop; other threads reach a session through
 * {@link #deliverReceipt} and {@link #deliverMo}, which hop onto that loop. Responses are written without a
 * flush and flushed once per read burst ({@link #channelReadComplete}); deliver_sm written outside a read is
 * flushed by one task queued behind the writes of the same loop turn.
 */
final class SimulatorSession extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(SimulatorSession.class);
    /** What the simulator calls itself in bind_resp (§4.1.2 system_id). */
    private static final String SMSC_SYSTEM_ID = "ebb-sim";
    /** §5.3.2.25 sc_interface_version: SMPP 3.4. */
    private static final byte INTERFACE_VERSION_34 = 0x34;
    /** How long the connection stays open after an unbind for the other side's answer or close (§4.2). */
    private static final long UNBIND_GRACE_MILLIS = 1_000;
    private static final long RETRY_MILLIS = 100;

    private final HandsetSimulator simulator;
    private final Runnable flush = this::flushQueuedWrites;
    private ChannelHandlerContext ctx;
    private BindType bound;
    private int lastSequence;
    private boolean flushQueued;
    private List<PendingReceipt> receipts = new ArrayList<>();
    /** MO deliver_sm awaiting their deliver_sm_resp, by sequence number. */
    private final IntObjectMap<CompletableFuture<Void>> pendingMo = new IntObjectHashMap<>();
    /** Receipts sent and not yet acknowledged: an SMSC resends what the ESME refused or never answered. */
    private final IntObjectMap<PendingReceipt> unacknowledged = new IntObjectHashMap<>();
    /** submit_sm the faults answer late, by sequence number, until their answer is written. */
    private final IntObjectMap<ScheduledFuture<?>> answersOwed = new IntObjectHashMap<>();

    SimulatorSession(HandsetSimulator simulator) {
        this.simulator = simulator;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        simulator.opened(this);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Pdu pdu) {
            onPdu(pdu);
        } else if (msg instanceof InvalidPdu invalid) {
            LOG.debug("answering an undecodable PDU from {}: {}", ctx.channel().remoteAddress(), invalid);
            write(invalid.response());
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
        if (!receipts.isEmpty()) {
            // One timer per read burst rather than per message: the burst's receipts fall due together.
            List<PendingReceipt> due = receipts;
            receipts = new ArrayList<>();
            simulator.scheduleReceipts(this, due);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        unbound();
        simulator.closed(this);
        if (!answersOwed.isEmpty()) {
            simulator.countUnanswered(answersOwed.size());
            simulator.owe(-answersOwed.size());
            answersOwed.values().forEach(f -> f.cancel(false));
            answersOwed.clear();
        }
        if (!unacknowledged.isEmpty()) {
            simulator.redeliver(List.copyOf(unacknowledged.values()));
            unacknowledged.clear();
        }
        if (!pendingMo.isEmpty()) {
            HandsetSimulator.MoNotDeliveredException closed =
                    new HandsetSimulator.MoNotDeliveredException("the receiver's connection closed before deliver_sm_resp", -1);
            pendingMo.values().forEach(f -> f.completeExceptionally(closed));
            pendingMo.clear();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.debug("simulator connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        } else {
            LOG.warn("closing simulator connection from {}", ctx.channel().remoteAddress(), cause);
        }
        ctx.close();
    }

    private void onPdu(Pdu pdu) {
        // Most frequent first: the load is submit_sm and deliver_sm_resp.
        if (pdu instanceof Pdu.SubmitSm submit) {
            onSubmit(submit);
        } else if (pdu instanceof Pdu.DeliverSmResp resp) {
            onDeliverSmResp(resp);
        } else if (pdu instanceof Pdu.Bind bind) {
            onBind(bind);
        } else if (pdu instanceof Pdu.Unbind unbind) {
            onUnbind(unbind);
        } else if (pdu instanceof Pdu.EnquireLink link) {
            write(bound == null ? link.errorResponse(CommandStatus.ESME_RINVBNDSTS)
                    : new Pdu.EnquireLinkResp(link.sequenceNumber(), CommandStatus.ESME_ROK));
        } else if (pdu instanceof Pdu.UnbindResp) {
            ctx.close(); // the answer to our own unbind (close()): §4.2 says the connection may go now
        } else if (pdu instanceof Pdu.Request<?> request) {
            // Before a bind, SMPP 3.4 §2.3 allows nothing else: §5.1.3 ESME_RINVBNDSTS. Bound, what the simulator does
            // not implement (deliver_sm from an ESME, query_sm, cancel_sm, replace_sm, data_sm) is ESME_RINVCMDID.
            write(request.errorResponse(bound == null ? CommandStatus.ESME_RINVBNDSTS : CommandStatus.ESME_RINVCMDID));
        }
        // enquire_link_resp and generic_nack need no answer.
    }

    private void onBind(Pdu.Bind bind) {
        int status;
        if (bound != null) {
            status = CommandStatus.ESME_RALYBND;
        } else if (!simulator.systemId().equals(bind.systemId())) {
            status = CommandStatus.ESME_RINVSYSID;
        } else if (!simulator.password().equals(bind.password())) {
            status = CommandStatus.ESME_RINVPASWD;
        } else {
            status = CommandStatus.ESME_ROK;
        }
        if (status != CommandStatus.ESME_ROK) {
            LOG.info("refused {} bind from {} as '{}': {}", bind.type(), ctx.channel().remoteAddress(), bind.systemId(),
                    CommandStatus.name(status));
            write(bind.errorResponse(status));
            return;
        }
        bound = bind.type();
        if (bound.canReceive()) {
            simulator.receiverBound(this);
        }
        LOG.debug("{} bound from {}", bound, ctx.channel().remoteAddress());
        write(new Pdu.BindResp(bind.type(), bind.sequenceNumber(), CommandStatus.ESME_ROK, SMSC_SYSTEM_ID,
                INTERFACE_VERSION_34));
    }

    private void onSubmit(Pdu.SubmitSm submit) {
        if (bound == null || !bound.canSubmit()) {
            write(submit.errorResponse(CommandStatus.ESME_RINVBNDSTS));
            return;
        }
        if (!ctx.channel().isActive()) {
            simulator.countUnanswered(1); // read in the burst that a dropped fault closed the connection in
            return;
        }
        switch (simulator.nextFault()) {
            case NONE -> {
                String id = simulator.nextMessageId();
                write(new Pdu.SubmitSmResp(submit.sequenceNumber(), CommandStatus.ESME_ROK, id));
                simulator.countSubmitted();
                PendingReceipt receipt = simulator.receiptFor(id, submit);
                if (receipt != null) {
                    receipts.add(receipt);
                }
            }
            case THROTTLED -> {
                simulator.countRefused();
                write(submit.errorResponse(CommandStatus.ESME_RTHROTTLED));
            }
            case TEMPORARY -> {
                simulator.countRefused();
                write(submit.errorResponse(simulator.currentFaults().temporaryStatus()));
            }
            case LATE -> {
                answersOwed.put(submit.sequenceNumber(), ctx.executor().schedule(() -> answerLate(submit),
                        simulator.currentFaults().lateBy().toNanos(), TimeUnit.NANOSECONDS));
                simulator.owe(1);
            }
            case DROPPED -> {
                simulator.countUnanswered(1);
                ctx.close(); // channelInactive counts the late answers still owed
            }
        }
    }

    /** The ESME_ROK a LATE fault held back; its receipt follows it after the receipt delay, as any other. */
    private void answerLate(Pdu.SubmitSm submit) {
        if (answersOwed.remove(submit.sequenceNumber()) == null) {
            return;
        }
        simulator.owe(-1);
        String id = simulator.nextMessageId();
        ctx.writeAndFlush(new Pdu.SubmitSmResp(submit.sequenceNumber(), CommandStatus.ESME_ROK, id), ctx.voidPromise());
        simulator.countSubmitted();
        simulator.countAnsweredLate();
        PendingReceipt receipt = simulator.receiptFor(id, submit);
        if (receipt != null) {
            simulator.scheduleReceipts(this, List.of(receipt));
        }
    }

    /** Closes the connection at once, without unbind: what is in flight on it stays unanswered. From any thread. */
    void drop() {
        ctx.channel().close();
    }

    private void onDeliverSmResp(Pdu.DeliverSmResp resp) {
        PendingReceipt receipt = unacknowledged.remove(resp.sequenceNumber());
        if (receipt != null) {
            if (resp.commandStatus() != CommandStatus.ESME_ROK) {
                // Refused (a full queue, throttling): like an SMSC, try again shortly rather than lose it.
                ctx.executor().schedule(() -> simulator.redeliver(List.of(receipt)), RETRY_MILLIS, TimeUnit.MILLISECONDS);
            }
            return;
        }
        if (pendingMo.isEmpty()) {
            return;
        }
        CompletableFuture<Void> mo = pendingMo.remove(resp.sequenceNumber());
        if (mo == null) {
            return;
        }
        if (resp.commandStatus() == CommandStatus.ESME_ROK) {
            mo.complete(null);
        } else {
            mo.completeExceptionally(new HandsetSimulator.MoNotDeliveredException(
                    "deliver_sm_resp " + CommandStatus.name(resp.commandStatus()), resp.commandStatus()));
        }
    }

    private void onUnbind(Pdu.Unbind unbind) {
        if (bound == null) {
            write(unbind.errorResponse(CommandStatus.ESME_RINVBNDSTS));
            return;
        }
        unbound();
        ctx.writeAndFlush(new Pdu.UnbindResp(unbind.sequenceNumber(), CommandStatus.ESME_ROK));
        // The ESME that asked closes the connection once it has the answer; closing at once races it (jSMPP
        // then misses the unbind_resp and waits out its timeout), so the simulator only closes after a grace.
        closeAfterGrace();
    }

    private void closeAfterGrace() {
        ctx.executor().schedule(() -> ctx.close(), UNBIND_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Whether a deliver_sm may be sent here now. Event loop only. */
    boolean canReceive() {
        return bound != null && bound.canReceive() && ctx.channel().isActive();
    }

    EventExecutor executor() {
        return ctx.executor();
    }

    /** Sends {@code receipt} on this session, from any thread; counted as dropped if it can no longer receive. */
    void deliverReceipt(PendingReceipt receipt, Instant doneDate) {
        if (!ctx.executor().inEventLoop()) {
            ctx.executor().execute(() -> deliverReceipt(receipt, doneDate));
            return;
        }
        if (!canReceive()) {
            simulator.countDropped();
            return;
        }
        int sequence = nextSequence();
        unacknowledged.put(sequence, receipt);
        writeLater(receipt.toDeliverSm(sequence, doneDate));
        simulator.countReceiptSent();
    }

    /** Sends a mobile-originated deliver_sm from any thread; {@code result} completes with its deliver_sm_resp. */
    void deliverMo(Pdu.DeliverSm mo, CompletableFuture<Void> result) {
        if (!ctx.executor().inEventLoop()) {
            ctx.executor().execute(() -> deliverMo(mo, result));
            return;
        }
        if (!canReceive()) {
            result.completeExceptionally(new HandsetSimulator.MoNotDeliveredException("the receiver unbound", -1));
            return;
        }
        int sequence = nextSequence();
        pendingMo.put(sequence, result);
        writeLater(mo.withSequenceNumber(sequence));
    }

    /** Sends unbind (§4.2) if bound, then closes; the connection closes anyway after a grace period. */
    ChannelFuture unbindAndClose() {
        ctx.executor().execute(() -> {
            if (bound == null) {
                ctx.close();
                return;
            }
            unbound();
            ctx.writeAndFlush(new Pdu.Unbind(nextSequence()));
            closeAfterGrace();
        });
        return ctx.channel().closeFuture();
    }

    private void unbound() {
        if (bound != null && bound.canReceive()) {
            simulator.receiverUnbound(this);
        }
        bound = null;
    }

    /** §5.1.4: sequence numbers run 0x00000001..0x7FFFFFFF, then wrap. */
    private int nextSequence() {
        lastSequence = lastSequence == Integer.MAX_VALUE ? 1 : lastSequence + 1;
        return lastSequence;
    }

    private void write(Pdu pdu) {
        ctx.write(pdu, ctx.voidPromise());
    }

    /** A write outside a read burst: flushed by one task run after every write queued in this loop turn. */
    private void writeLater(Pdu pdu) {
        write(pdu);
        if (!flushQueued) {
            flushQueued = true;
            ctx.executor().execute(flush);
        }
    }

    private void flushQueuedWrites() {
        flushQueued = false;
        ctx.flush();
    }
}
