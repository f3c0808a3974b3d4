package dev.ebb.gateway.cluster;

import dev.ebb.gateway.receipt.CustomerReceipt;
import dev.ebb.gateway.receipt.OutboxEntry;
import dev.ebb.gateway.receipt.ReceiptLedger;
import dev.ebb.gateway.receipt.ReceiptSink;
import dev.ebb.gateway.receipt.SmppReceiptSender;
import dev.ebb.gateway.smpp.CustomerSessions;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a customer's SMPP receipts to whichever node its receiver bind is on. The node that owns the message (it
 * submitted it, matched its receipt and owes it in its outbox) sends it to its own receivers when the customer has
 * one bound there (the bind that submitted it first: the {@code submitting-first} rule runs there as alone); else it
 * relays it, sealed to the other node's key ({@link NodeKeys}), through {@code <prefix>receipts.relayed} to the live
 * node with most of the customer's receivers (the submitter's client address still comes first among that node's
 * binds); with no receiver bound anywhere it waits here, counted, until one binds somewhere.
 *
 * <p>The receipt stays owed in the owner's outbox until the bound node answers that the customer took it; the owner
 * then records RECEIPT_FORWARDED and lets it go. A relay not answered within {@link #ANSWER_WITHIN} (the bound node
 * died, or its customer did not take it) is routed again; the bound node gives it up before that, so a receipt
 * reaches the customer twice only when an answer was lost. If the owner dies meanwhile, its outbox offers the receipt
 * again after the restart, as alone.
 */
final class ReceiptRelay implements ReceiptSink, MeterBinder {
    static final Duration ANSWER_WITHIN = Duration.ofSeconds(30);
    /** The bound node lets a relayed receipt go this long before the owner routes it again. */
    private static final Duration BOUND_NODE_MARGIN = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(ReceiptRelay.class);
    private static final String KIND = "receipt";
    private static final int TAKEN = 0;
    /** SMPP 3.4 §5.1.3 ESME_RX_T_APPN: what the customer's receiver (or this node for it) said instead. */
    private static final int NOT_TAKEN = 0x64;
    /**
     * How long a taken-answer addressed to an earlier run of this node is kept for the outbox's re-offer of that
     * receipt: the relay topic's own retention, beyond which no such answer is read.
     */
    private static final Duration TAKEN_BEFORE_KEPT = Duration.ofHours(1);
    private static final int MAX_TAKEN_BEFORE = 100_000;
    /** A relayed receipt sealed with a key of its sender's this node has not heard yet waits this long for it. */
    private static final Duration UNOPENED_WAIT = Duration.ofSeconds(10);
    private static final int MAX_UNOPENED = 10_000;
    /**
     * And this many bytes of them: a real one is a few hundred bytes (876 with every field at its limit), so the
     * count is the limit for those; the bytes keep a sender with the cluster's key from holding
     * {@link ClusterNode#MAX_RECEIPT_RELAY_BYTES} × the count here.
     */
    private static final long MAX_UNOPENED_BYTES = 8L << 20;

    private final String self;
    private final String topic;
    private final Producer<byte[], byte[]> producer;
    private final RecordAuth auth;
    private final Presence presence;
    private final NodeKeys keys;
    private final CustomerSessions sessions;
    private final ReceiptSink local;
    private final ReceiptLedger owner;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final int maxWaiting;
    /** Receipts owned here relayed to another node, by message id, until it answers. */
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    /** Receipts owned here whose customer has no receiver bound on any node. */
    private final Map<String, Deque<CustomerReceipt>> waiting = new ConcurrentHashMap<>();
    private final AtomicInteger waitingCount = new AtomicInteger();
    /** Receipts of other nodes handed to this node's receivers, by message id, until the customer answered. */
    private final Map<String, Delivering> delivering = new ConcurrentHashMap<>();
    /** Receipts the customer took while this node was down (answers to an earlier run), by message id, until when. */
    private final Map<String, Instant> takenBefore = new ConcurrentHashMap<>();
    /** Receipts relayed here that could not be opened yet, waiting for their sender's new key, by message id. */
    private final Map<String, Unopened> unopened = new ConcurrentHashMap<>();
    private final AtomicLong unopenedBytes = new AtomicLong();
    private final SmppReceiptSender forOthers;
    private final AtomicLong relayed = new AtomicLong();
    private final AtomicLong deliveredForOthers = new AtomicLong();
    private final AtomicLong unanswered = new AtomicLong();
    /**
     * Whether the answers addressed to this node's earlier run are read ({@link #earlierRead}); until then nothing
     * is relayed to another node, since the customer may have taken there, while this node was down, a receipt its
     * outbox offers again.
     */
    private volatile boolean earlierRead;

    private record Pending(CustomerReceipt receipt, String node, Instant routeAgainAt) {
    }

    private record Delivering(String owner, Instant giveUpAt) {
    }

    private record Unopened(Envelope relay, Instant until) {
    }

    /**
     * @param local      this node's SMPP receipt sender
     * @param owner      the outbox: told when a relayed receipt was taken, or given up while waiting for a bind
     * @param maxWaiting receipts of one customer waiting here for a bind before further ones are set aside (they
     *                   stay owed in the outbox, which hands them again later)
     */
    ReceiptRelay(String self, String topic, Producer<byte[], byte[]> producer, RecordAuth auth, Presence presence,
                 NodeKeys keys,
                 CustomerSessions sessions, ReceiptSink local, ReceiptLedger owner, ScheduledExecutorService scheduler,
                 Clock clock, int maxWaiting) {
        this.self = self;
        this.topic = topic;
        this.producer = producer;
        this.auth = auth;
        this.presence = presence;
        this.keys = keys;
        this.sessions = sessions;
        this.local = local;
        this.owner = owner;
        this.scheduler = scheduler;
        this.clock = clock;
        this.maxWaiting = maxWaiting;
        this.forOthers = new SmppReceiptSender(sessions, new BoundNodeLedger(), scheduler, clock);
        sessions.onReceiverReady(customer -> {
            if (waiting.containsKey(customer)) {
                scheduler.execute(() -> route(customer));
            }
        });
    }

    String topic() {
        return topic;
    }

    @Override
    public void forward(CustomerReceipt receipt) {
        if (takenBefore.remove(receipt.message().messageId()) != null) {
            owner.taken(receipt); // offered again by the outbox after a restart, but the customer has it
            return;
        }
        String customer = receipt.message().customerId();
        if (sessions.receivers(customer) > 0) {
            local.forward(receipt);
            return;
        }
        Optional<Presence.Node> bound = presence.receiverOf(customer);
        if (bound.isPresent() && earlierRead) {
            relay(receipt, bound.get());
        } else {
            await(receipt);
        }
    }

    private void relay(CustomerReceipt receipt, Presence.Node node) {
        String messageId = receipt.message().messageId();
        pending.put(messageId, new Pending(receipt, node.id(), clock.instant().plus(ANSWER_WITHIN)));
        Envelope unsealed = new Envelope(self, node.id(), messageId, null, 0);
        Envelope relay = new Envelope(self, node.id(), messageId, keys.seal(node.publicKey(), unsealed.aad(KIND),
                OutboxEntry.encode(receipt)), 0);
        try {
            producer.send(new ProducerRecord<>(topic, relay.key(), relay.encode(auth, topic)), (metadata, e) -> {
                if (e == null) {
                    relayed.incrementAndGet();
                } else if (pending.remove(messageId) != null) {
                    await(receipt);
                }
            });
        } catch (RuntimeException e) {
            if (pending.remove(messageId) != null) {
                await(receipt);
            }
        }
    }

    private void await(CustomerReceipt receipt) {
        Deque<CustomerReceipt> queue = waiting.computeIfAbsent(receipt.message().customerId(),
                c -> new ConcurrentLinkedDeque<>());
        queue.add(receipt);
        if (waitingCount.incrementAndGet() > 0 && queue.size() > maxWaiting) {
            CustomerReceipt oldest = queue.pollFirst();
            if (oldest != null) {
                waitingCount.decrementAndGet();
                owner.setAside(oldest);
            }
        }
    }

    /** Routes the customer's waiting receipts again: a receiver bound here or on another node. */
    private void route(String customer) {
        Deque<CustomerReceipt> queue = waiting.get(customer);
        if (queue == null || sessions.receivers(customer) == 0
                && (!earlierRead || presence.receiverOf(customer).isEmpty())) {
            return;
        }
        for (CustomerReceipt r = queue.pollFirst(); r != null; r = queue.pollFirst()) {
            waitingCount.decrementAndGet();
            forward(r);
        }
    }

    /**
     * Once a second: waiting receipts routed again (a bind may have come up on another node), those past their limit
     * given up, relays not answered in time routed again.
     */
    void tick() {
        Instant now = clock.instant();
        waiting.forEach((customer, queue) -> {
            queue.removeIf(r -> {
                if (now.isBefore(owner.giveUpAt(r))) {
                    return false;
                }
                waitingCount.decrementAndGet();
                owner.givenUp(r);
                return true;
            });
            route(customer);
        });
        pending.values().removeIf(p -> {
            if (now.isBefore(p.routeAgainAt())) {
                return false;
            }
            unanswered.incrementAndGet();
            LOG.info("receipt of message {} relayed to node {} not answered within {}; routed again",
                    p.receipt().message().messageId(), p.node(), ANSWER_WITHIN);
            scheduler.execute(() -> forward(p.receipt()));
            return true;
        });
        takenBefore.values().removeIf(now::isAfter);
        unopened.values().removeIf(u -> {
            if (!open(u.relay(), false)) {
                if (now.isBefore(u.until())) {
                    return false;
                }
                LOG.info("receipt of message {} relayed by node {} cannot be opened here with any key heard of; left"
                        + " to its owner", u.relay().id(), u.relay().from());
            }
            unopenedBytes.addAndGet(-u.relay().sealed().length);
            return true;
        });
        forOthers.giveUpExpired();
    }

    /**
     * The answers addressed to this node's earlier run are all read: what waited for them goes where its customer is
     * bound. Kafka may be away at the start for any time, or hold more of them than the start waits for; a receipt
     * relayed before would reach a customer that took it meanwhile a second time.
     */
    void earlierRead() {
        earlierRead = true;
        waiting.keySet().forEach(customer -> scheduler.execute(() -> route(customer)));
    }

    /**
     * One record of the topic from before this run announced itself: a request was sealed for an earlier run's key
     * (its owner routes it again), but a taken-answer says the customer has a receipt this node's outbox still owes.
     */
    void consumeEarlier(Envelope envelope) {
        if (!envelope.to().equals(self) || envelope.isRequest() || envelope.status() != TAKEN) {
            return;
        }
        if (takenBefore.size() < MAX_TAKEN_BEFORE) {
            takenBefore.put(envelope.id(), clock.instant().plus(TAKEN_BEFORE_KEPT));
        }
    }

    /** One record of the topic: a receipt for this node's receivers, or the answer to one relayed from here. */
    void consume(Envelope envelope) {
        if (!envelope.to().equals(self)) {
            return;
        }
        if (envelope.isRequest()) {
            deliver(envelope);
        } else {
            answered(envelope.from(), envelope.id(), envelope.status() == TAKEN);
        }
    }

    private void deliver(Envelope relay) {
        if (!open(relay, true)) {
            // A node that restarted seals with a new key, which its presence brings here within moments.
            int size = relay.sealed().length;
            if (unopened.size() < MAX_UNOPENED && unopenedBytes.get() + size <= MAX_UNOPENED_BYTES) {
                Unopened earlier = unopened.put(relay.id(), new Unopened(relay, clock.instant().plus(UNOPENED_WAIT)));
                unopenedBytes.addAndGet(size - (earlier == null ? 0 : earlier.relay().sealed().length));
            } else {
                LOG.info("receipt of message {} relayed by node {} cannot be opened here yet; left to its owner",
                        relay.id(), relay.from());
            }
        }
    }

    /** Opens the relayed receipt with its sender's key as heard of and hands it to the customer; false if it cannot. */
    private boolean open(Envelope relay, boolean first) {
        String from = relay.from();
        String messageId = relay.id();
        Optional<byte[]> peer = presence.key(from);
        CustomerReceipt receipt;
        try {
            if (peer.isEmpty()) {
                throw new GeneralSecurityException("node " + from + " not heard of");
            }
            receipt = OutboxEntry.decode(keys.open(peer.get(), relay.aad(KIND), relay.sealed()), false);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            if (first) {
                LOG.debug("receipt of message {} relayed by node {} not opened yet: {}", messageId, from,
                        e.getMessage());
            }
            return false;
        }
        Instant giveUpAt = clock.instant().plus(ANSWER_WITHIN).minus(BOUND_NODE_MARGIN);
        if (delivering.putIfAbsent(messageId, new Delivering(from, giveUpAt)) == null) {
            forOthers.forward(receipt);
        }
        return true;
    }

    /**
     * The answer of node {@code from}: it counts only if the receipt is still out with that node. One from a node it
     * was relayed to before (a late "not taken" after it was routed again elsewhere) would else cancel the relay that
     * is out now, and the receipt would go out again.
     */
    private void answered(String from, String messageId, boolean taken) {
        Pending p = pending.get(messageId);
        if (p == null || !p.node().equals(from) || !pending.remove(messageId, p)) {
            return; // answered after it was routed again, or by a node it is no longer out with
        }
        if (taken) {
            owner.taken(p.receipt());
        } else {
            forward(p.receipt());
        }
    }

    private void answer(CustomerReceipt receipt, boolean taken) {
        String messageId = receipt.message().messageId();
        Delivering d = delivering.remove(messageId);
        if (d == null) {
            return;
        }
        if (taken) {
            deliveredForOthers.incrementAndGet();
        }
        try {
            Envelope answer = new Envelope(self, d.owner(), messageId, null, taken ? TAKEN : NOT_TAKEN);
            producer.send(new ProducerRecord<>(topic, answer.key(), answer.encode(auth, topic)));
        } catch (RuntimeException e) {
            // The owner routes it again when no answer comes.
            LOG.warn("the answer for the receipt of message {} could not be sent to node {}: {}", messageId,
                    d.owner(), e.toString());
        }
    }

    /** What becomes of the receipts of other nodes on this node's receivers: each is answered to its owner. */
    private final class BoundNodeLedger implements ReceiptLedger {
        @Override
        public void taken(CustomerReceipt receipt) {
            answer(receipt, true);
        }

        @Override
        public void givenUp(CustomerReceipt receipt) {
            answer(receipt, false);
        }

        @Override
        public void setAside(CustomerReceipt receipt) {
            answer(receipt, false);
        }

        @Override
        public Instant giveUpAt(CustomerReceipt receipt) {
            Delivering d = delivering.get(receipt.message().messageId());
            return d == null ? clock.instant() : d.giveUpAt();
        }
    }

    /** Receipts waiting for a bind, relayed out, and taken here for other nodes. */
    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("ebb.cluster.receipts.waiting.for.bind", waitingCount, AtomicInteger::get)
                .description("receipts owed here whose customer has no receiver bound on any node").register(registry);
        FunctionCounter.builder("ebb.cluster.receipts.relayed", relayed, AtomicLong::get)
                .description("receipts relayed to the node their customer's receiver is bound to").register(registry);
        FunctionCounter.builder("ebb.cluster.receipts.delivered.for.others", deliveredForOthers, AtomicLong::get)
                .description("receipts of other nodes' messages taken by a customer's receiver bound here")
                .register(registry);
        FunctionCounter.builder("ebb.cluster.receipts.relays.unanswered", unanswered, AtomicLong::get)
                .description("relayed receipts not answered in time, routed again").register(registry);
    }
}
