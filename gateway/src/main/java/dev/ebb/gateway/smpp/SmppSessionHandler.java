package dev.ebb.gateway.smpp;

import dev.ebb.gateway.config.CustomerConfig;
import dev.ebb.gateway.config.SmppServerConfig;
import dev.ebb.gateway.core.PeerText;
import dev.ebb.gateway.smpp.pdu.CommandId;
import dev.ebb.gateway.smpp.pdu.CommandStatus;
import dev.ebb.gateway.smpp.pdu.InvalidPdu;
import dev.ebb.gateway.smpp.pdu.Pdu;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One customer connection's SMPP session state machine (SMPP 3.4 §2.2): OPEN → BOUND_TX/RX/TRX → (unbound →) closed.
 * It sees only decoded {@link Pdu} records and {@link InvalidPdu}s, never bytes. All state is
 * confined to the channel's event loop.
 */
final class SmppSessionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(SmppSessionHandler.class);
    /** §5.2.4 interface_version 0x34: SMPP 3.4. */
    private static final byte SMPP_34 = 0x34;
    /** How long a customer that unbound has to close the connection itself before Ebb does (§4.2). */
    static final long UNBIND_GRACE_MILLIS = 1_000;

    private enum State { OPEN, BINDING, BOUND, UNBOUND, CLOSED }

    private static final SubmitRefusals.Refusal NOT_BOUND = SubmitRefusals.Refusal.of(CommandStatus.ESME_RINVBNDSTS,
            SubmitRefusals.Reason.BIND_STATE, "submit before bind (SMPP 3.4 §2.3)");
    private static final SubmitRefusals.Refusal RECEIVER_BIND = SubmitRefusals.Refusal.of(CommandStatus.ESME_RINVBNDSTS,
            SubmitRefusals.Reason.BIND_STATE, "submit on a receiver bind (SMPP 3.4 §2.3)");

    private final SmppServerConfig config;
    private final Authenticator authenticator;
    private final CustomerSessions sessions;
    private final SubmitSmHandler submits;
    private final MessageOperations operations;
    private final long sessionId;
    private final Runnable onBound;
    private final Map<Integer, PendingDelivery> pendingDeliveries = new HashMap<>();
    /**
     * deliver_sm taken by {@link #tryDeliver} and not yet answered, timed out or failed: Ebb's outbound window (SMPP
     * 3.4 §2.7 applies windowing to both parties). Taken from any thread, so atomic; released on the event loop.
     */
    private final AtomicInteger outstandingDeliveries = new AtomicInteger();
    /** deliver_sm that timed out while still in Ebb's outbound buffer; written only by the event loop. */
    private volatile int unwrittenExpired;
    private ChannelHandlerContext ctx;
    private State state = State.OPEN;
    private CustomerConfig customer;
    private SessionInfo info;
    private int outstandingSubmits;
    private int nextSequence = 1;
    private ScheduledFuture<?> bindDeadline;
    /** Made once, not per refusal: a customer over its window or rate may be refused thousands of times a second. */
    private final SubmitRefusals.Refusal windowFull;
    private SubmitRefusals.Refusal throttled;

    /** @param onBound told when the connection binds: from then on it keeps its place against newer connections */
    SmppSessionHandler(SmppServerConfig config, Authenticator authenticator, CustomerSessions sessions,
                       SubmitSmHandler submits, MessageOperations operations, long sessionId, Runnable onBound) {
        this.config = config;
        this.authenticator = authenticator;
        this.sessions = sessions;
        this.submits = submits;
        this.operations = operations;
        this.sessionId = sessionId;
        this.onBound = onBound;
        this.windowFull = SubmitRefusals.Refusal.of(CommandStatus.ESME_RMSGQFUL, SubmitRefusals.Reason.WINDOW_FULL,
                config.windowSize() + " submits already unanswered on the bind (smpp.windowSize)");
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // In the OPEN state only a bind is taken, and only for so long (issue 9, item 11).
        bindDeadline = ctx.executor().schedule(() -> {
            if (state == State.OPEN || state == State.BINDING) {
                LOG.info("session {} from {} not bound within {}; closing", sessionId, remote(), config.bindTimeout());
                ctx.close();
            }
        }, config.bindTimeout().toMillis(), TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof InvalidPdu invalid) {
            LOG.debug("session {}: {}", sessionId, invalid);
            ctx.write(invalid.response());
        } else if (msg instanceof Pdu.Bind bind) {
            onBind(bind);
        } else if (msg instanceof Pdu.SubmitSm submit) {
            onSubmit(submit);
        } else if (msg instanceof Pdu.DataSm data) {
            // §4.7: a data_sm from an ESME is a message to send, with its content in message_payload: a submit.
            onSubmit(data);
        } else if (msg instanceof Pdu.QuerySm || msg instanceof Pdu.CancelSm || msg instanceof Pdu.ReplaceSm) {
            onOperation((Pdu.Request<?>) msg);
        } else if (msg instanceof Pdu.DeliverSmResp resp) {
            PendingDelivery pending = pendingDeliveries.remove(resp.sequenceNumber());
            if (pending != null) {
                pending.timeout.cancel(false);
                outstandingDeliveries.decrementAndGet();
                pending.result.complete(resp.commandStatus());
                sessions.receiverReady(customer.id());
            }
        } else if (msg instanceof Pdu.EnquireLink link) {
            // §2.3 table 2-1: enquire_link belongs to the bound states; unanswered, it cannot hold open a connection
            // that never binds (the bind timeout closes it anyway).
            ctx.write(state == State.BOUND ? new Pdu.EnquireLinkResp(link.sequenceNumber(), CommandStatus.ESME_ROK)
                    : link.errorResponse(CommandStatus.ESME_RINVBNDSTS));
        } else if (msg instanceof Pdu.Unbind unbind) {
            onUnbind(unbind);
        } else if (msg instanceof Pdu.UnbindResp) {
            ctx.close();
        } else if (msg instanceof Pdu.Request<?> request) {
            // deliver_sm from a customer: an ESME may not send it (§4.6), whatever its bind.
            ctx.write(request.errorResponse(state == State.BOUND ? CommandStatus.ESME_RINVCMDID : CommandStatus.ESME_RINVBNDSTS));
        }
        // Other responses (generic_nack, enquire_link_resp) need no action.
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // Responses to a batch of reads go out in one flush.
        ctx.flush();
    }

    private void onBind(Pdu.Bind bind) {
        if (state != State.OPEN) {
            // §5.1.3 ESME_RALYBND: this connection is already bound (or binding).
            ctx.write(bind.errorResponse(CommandStatus.ESME_RALYBND));
            return;
        }
        state = State.BINDING;
        authenticator.authenticate(bind, remoteAddress()).whenComplete((result, error) -> ctx.executor().execute(() -> {
            if (state != State.BINDING) {
                return;
            }
            int status = error != null ? CommandStatus.ESME_RSYSERR : result.status();
            if (status != CommandStatus.ESME_ROK) {
                // Answered late, on a timer: one connection guesses no faster than this.
                ctx.executor().schedule(() -> refuseBind(bind, status, result != null && result.locked()),
                        config.failedBindDelay().toMillis(), TimeUnit.MILLISECONDS);
                return;
            }
            if (!sessions.tryBind(result.customer())) {
                refuseBind(bind, CommandStatus.ESME_RALYBND, false);
                return;
            }
            customer = result.customer();
            throttled = SubmitRefusals.Refusal.of(CommandStatus.ESME_RTHROTTLED, SubmitRefusals.Reason.THROTTLED,
                    "over the customer's rate of " + customer.tps() + " messages per second");
            info = new SessionInfo(customer.id(), bind.systemId(), bind.type(), remote(), sessionId);
            state = State.BOUND;
            bindDeadline.cancel(false);
            onBound.run();
            sessions.bound(customer, this, bind.type());
            LOG.info("bound: system_id {} from {} as {} (session {})", PeerText.forLog(bind.systemId()), remote(),
                    bind.type(), sessionId);
            ctx.writeAndFlush(new Pdu.BindResp(bind.type(), bind.sequenceNumber(), CommandStatus.ESME_ROK, "ebb", SMPP_34));
        }));
    }

    /**
     * §4.2: the ESME that sent unbind closes the connection once it has the unbind_resp. Closing it here first races
     * the client's reader: jSMPP then drops the answer and waits out its transaction timer ("Unbind response
     * timeout", 2 s by default, also in {@code ebb send}). So the session leaves its customer's binds now (no submit
     * taken, no deliver_sm sent, those awaiting an answer go to another bind) and the connection closes when the
     * customer closes it, or after a grace.
     */
    private void onUnbind(Pdu.Unbind unbind) {
        leaveCustomerSessions();
        state = State.UNBOUND;
        // Deliveries still awaiting their answer wait out the grace: a client answers its last receipts while it
        // unbinds (jSMPP writes a listener's deliver_sm_resp on another thread than the unbind), and those answers count.
        // Whatever is still unanswered at the close goes to another receiver (channelInactive).
        ctx.writeAndFlush(new Pdu.UnbindResp(unbind.sequenceNumber(), CommandStatus.ESME_ROK));
        ctx.executor().schedule(() -> ctx.close(), UNBIND_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void refuseBind(Pdu.Bind bind, int status, boolean locked) {
        if (state != State.BINDING) {
            return;
        }
        state = State.OPEN;
        LOG.info("bind refused: system_id {} from {} as {}: {}{}", PeerText.forLog(bind.systemId()), remote(), bind.type(),
                CommandStatus.name(status), locked ? " (locked after repeated failures)" : "");
        ctx.writeAndFlush(bind.errorResponse(status));
    }

    private void onSubmit(Pdu.MessagePdu submit) {
        long read = System.nanoTime();
        SubmitRefusals.Refusal refusal = admitSubmit();
        if (refusal != null) {
            if (info == null) {
                ctx.write(response(submit, refusal.commandStatus(), ""));
            } else {
                // Told with the customer: throttled and window-full refusals are what an operator is asked about.
                submits.refused(info, submit, refusal);
                ctx.write(response(submit, refusal.commandStatus(), "")).addListener(written ->
                        submits.answered(info, refusal.commandStatus(), System.nanoTime() - read));
            }
            return;
        }
        outstandingSubmits++;
        CompletionStage<SubmitOutcome> outcome;
        try {
            outcome = submits.submit(info, submit);
        } catch (RuntimeException e) {
            LOG.error("session {}: submit failed: {}", sessionId, e.toString());
            outcome = CompletableFuture.completedFuture(SubmitOutcome.refused(CommandStatus.ESME_RSYSERR));
        }
        outcome.whenComplete((result, error) -> {
            SubmitOutcome answer = error == null ? result : SubmitOutcome.refused(CommandStatus.ESME_RSYSERR);
            Pdu.Response resp = response(submit, answer.commandStatus(), answer.messageId());
            if (ctx.executor().inEventLoop()) {
                answerSubmit(resp, answer.commandStatus(), read);
            } else {
                ctx.executor().execute(() -> {
                    answerSubmit(resp, answer.commandStatus(), read);
                    ctx.flush();
                });
            }
        });
    }

    /** {@link #answer} for a submit read at {@code read} (System.nanoTime()): its time is told once it is written. */
    private void answerSubmit(Pdu.Response resp, int commandStatus, long read) {
        ctx.write(resp).addListener(written -> {
            outstandingSubmits--;
            submits.answered(info, commandStatus, System.nanoTime() - read);
        });
    }

    /**
     * query_sm, cancel_sm or replace_sm (§4.8–§4.10): the operations of a transmitter or transceiver (§2.3), counted
     * in the window and the customer's rate like a submit, since each reads or writes the stores.
     */
    private void onOperation(Pdu.Request<?> request) {
        int refusal = admit();
        if (refusal != CommandStatus.ESME_ROK) {
            ctx.write(request.errorResponse(refusal));
            return;
        }
        outstandingSubmits++;
        CompletionStage<Pdu.Response> response;
        try {
            response = operations.handle(info, request);
        } catch (RuntimeException e) {
            LOG.error("session {}: {} failed: {}", sessionId, CommandId.name(request.commandId()), e.toString());
            response = CompletableFuture.completedFuture(request.errorResponse(CommandStatus.ESME_RSYSERR));
        }
        response.whenComplete((result, error) -> {
            if (error != null) {
                LOG.error("session {}: {} failed: {}", sessionId, CommandId.name(request.commandId()), error.toString());
            }
            Pdu.Response resp = error == null ? result : request.errorResponse(CommandStatus.ESME_RSYSERR);
            ctx.executor().execute(() -> {
                answer(resp);
                ctx.flush();
            });
        });
    }

    /**
     * A submit leaves the window when its response has been handed to the kernel, not when it is queued: a
     * customer that does not read its responses fills the window just like one whose submits are slow, and is
     * then told ESME_RMSGQFUL (issue 9, item 5).
     */
    private void answer(Pdu.Response resp) {
        ctx.write(resp).addListener(written -> outstandingSubmits--);
    }

    /** submit_sm_resp or data_sm_resp (§4.4.2, §4.7.2): both carry the message_id. */
    private static Pdu.Response response(Pdu.MessagePdu submit, int status, String messageId) {
        return submit instanceof Pdu.DataSm ? new Pdu.DataSmResp(submit.sequenceNumber(), status, messageId, List.of())
                : new Pdu.SubmitSmResp(submit.sequenceNumber(), status, messageId);
    }

    /** Why a submit_sm cannot be taken now, or ESME_ROK. */
    private int admit() {
        SubmitRefusals.Refusal refusal = admitSubmit();
        return refusal == null ? CommandStatus.ESME_ROK : refusal.commandStatus();
    }

    /** Why a submit_sm cannot be taken now, or null. */
    private SubmitRefusals.Refusal admitSubmit() {
        if (state != State.BOUND || !info.bindType().canSubmit()) {
            // §5.1.3: not bound, or bound as a receiver
            return state == State.BOUND ? RECEIVER_BIND : NOT_BOUND;
        }
        if (outstandingSubmits >= config.windowSize()) {
            // §5.1.3 0x14 ESME_RMSGQFUL, the answer SMSCs give a window overflow: clients (jSMPP, Cloudhopper,
            // Kannel) take it as "retry later". Not reading instead (Kannel's way as a server) would also hold back
            // the customer's enquire_links, and its link timer would drop a session that is only busy.
            return windowFull;
        }
        if (!sessions.tryAcquireSubmit(customer)) {
            return throttled;
        }
        return null;
    }

    /**
     * Sends a deliver_sm if this session can take one now, from any thread: the channel is writable (Ebb holds less
     * than the high-water mark of unsent bytes for it), no earlier deliver_sm that timed out is still among those
     * bytes, and fewer than {@code windowSize} deliver_sm await their deliver_sm_resp. Otherwise empty, and the
     * caller keeps the PDU: a receiver that does not read or answer holds at most a window of Ebb's deliver_sm,
     * never a second copy of one queued behind the first (issue 9).
     *
     * @return completes with the customer's deliver_sm_resp status; fails when the session closes first or the
     *         response does not come within {@code responseTimeout} (which frees the slot)
     */
    Optional<CompletionStage<Integer>> tryDeliver(Pdu.DeliverSm pdu) {
        if (!ctx.channel().isWritable() || unwrittenExpired > 0 || !takeDeliverySlot()) {
            return Optional.empty();
        }
        CompletableFuture<Integer> result = new CompletableFuture<>();
        ctx.executor().execute(() -> {
            if (state != State.BOUND) {
                outstandingDeliveries.decrementAndGet();
                result.completeExceptionally(new NoReceiverBoundException(info.customerId()));
                return;
            }
            int sequence = nextSequence();
            ChannelPromise written = ctx.newPromise();
            ScheduledFuture<?> timeout = ctx.executor().schedule(() -> expire(sequence),
                    config.responseTimeout().toMillis(), TimeUnit.MILLISECONDS);
            pendingDeliveries.put(sequence, new PendingDelivery(result, timeout, written));
            written.addListener(write -> {
                // A PDU that cannot be encoded or written gets no answer: fail now rather than at the timeout.
                if (!write.isSuccess()) {
                    PendingDelivery failed = pendingDeliveries.remove(sequence);
                    if (failed != null) {
                        failed.timeout.cancel(false);
                        outstandingDeliveries.decrementAndGet();
                        failed.result.completeExceptionally(write.cause());
                    }
                }
            });
            ctx.writeAndFlush(pdu.withSequenceNumber(sequence), written);
        });
        return Optional.of(result);
    }

    long sessionId() {
        return sessionId;
    }

    /** The client's address, or {@code null} for a channel that has none (an embedded one in a test). */
    InetAddress clientAddress() {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
    }

    private boolean takeDeliverySlot() {
        int taken;
        do {
            taken = outstandingDeliveries.get();
            if (taken >= config.windowSize()) {
                return false;
            }
        } while (!outstandingDeliveries.compareAndSet(taken, taken + 1));
        return true;
    }

    /**
     * No deliver_sm_resp in time: the slot is free and the caller retries (SMPP 3.4 §7.2, response_timer: the request
     * is taken as not processed). While the PDU is still unsent in Ebb's buffer this session takes no other, so a
     * retry cannot queue a second copy behind it.
     */
    private void expire(int sequence) {
        PendingDelivery expired = pendingDeliveries.remove(sequence);
        if (expired == null) {
            return;
        }
        if (!expired.written.isDone()) {
            unwrittenExpired++;
            expired.written.addListener(write -> {
                unwrittenExpired--;
                sessions.receiverReady(customer.id());
            });
        }
        outstandingDeliveries.decrementAndGet();
        expired.result.completeExceptionally(new TimeoutException("no deliver_sm_resp within "
                + config.responseTimeout().toMillis() + " ms"));
        sessions.receiverReady(customer.id());
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (state == State.BOUND && ctx.channel().isWritable()) {
            sessions.receiverReady(customer.id());
        }
        ctx.fireChannelWritabilityChanged();
    }

    /** Server shutdown: ask the customer to unbind (§4.2); the connection closes on unbind_resp or after a second. */
    void unbind() {
        ctx.executor().execute(() -> {
            if (state == State.BOUND) {
                ctx.writeAndFlush(new Pdu.Unbind(nextSequence()));
                ctx.executor().schedule(() -> ctx.close(), 1, TimeUnit.SECONDS);
            } else {
                ctx.close();
            }
        });
    }

    private int nextSequence() {
        int sequence = nextSequence;
        nextSequence = nextSequence == 0x7FFFFFFF ? 1 : nextSequence + 1; // §5.1.4: 0x00000001..0x7FFFFFFF
        return sequence;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            LOG.info("session {} from {} idle for {}; closing", sessionId, remote(), config.idleTimeout());
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        leaveCustomerSessions();
        state = State.CLOSED;
        if (bindDeadline != null) {
            bindDeadline.cancel(false);
        }
        failPendingDeliveries();
        ctx.fireChannelInactive();
    }

    private void leaveCustomerSessions() {
        if (state == State.BOUND) {
            sessions.unbound(customer, this);
            LOG.info("unbound: system_id {} from {} (session {})", PeerText.forLog(info.systemId()), remote(), sessionId);
        }
    }

    /** Every deliver_sm still waiting for its response is failed, never left hanging: its sender tries another bind. */
    private void failPendingDeliveries() {
        pendingDeliveries.values().forEach(p -> {
            p.timeout.cancel(false);
            outstandingDeliveries.decrementAndGet();
            p.result.completeExceptionally(new ClosedChannelException());
        });
        pendingDeliveries.clear();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Class names only: a decoder's message can carry the bytes it choked on (a TLS record, a PDU with its
        // password or short message) in hex (DESIGN invariant 1).
        String what = cause.getClass().getSimpleName()
                + (cause.getCause() == null ? "" : " (" + cause.getCause().getClass().getSimpleName() + ")");
        LOG.warn("session {} from {}: {}; closing", sessionId, remote(), what);
        ctx.close();
    }

    private InetAddress remoteAddress() {
        return ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
    }

    private String remote() {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : "?";
    }

    private record PendingDelivery(CompletableFuture<Integer> result, ScheduledFuture<?> timeout, ChannelFuture written) {
    }
}
