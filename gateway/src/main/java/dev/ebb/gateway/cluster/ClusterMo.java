package dev.ebb.gateway.cluster;

import dev.ebb.gateway.core.InboundDeliverSm;
import dev.ebb.gateway.core.SmppAddress;
import dev.ebb.gateway.route.MoRouter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mobile-originated messages to a customer bound on another node. The node whose SMSC bind took the MO hands it to
 * its customer's receivers there when it has one; else, sealed to the other node's key ({@link NodeKeys}), through
 * {@code <prefix>mo.relayed} to the live node with most of the customer's receivers, which sends it to one of them
 * and answers with the customer's deliver_sm_resp status. The SMSC is answered only with that status, within
 * {@link MoRouter#WAIT_LIMIT_MS} as alone, so nothing is stored: an MO not answered in time is refused with a
 * temporary error and the SMSC sends it again (at-least-once, as alone). A customer with a {@code moUrl} never
 * comes here: any node posts it.
 *
 * <p>The text is in the topic only sealed, to a key that lives in the receiving node's memory only; the topic keeps
 * records for an hour (what an MO needs is two seconds).
 */
final class ClusterMo implements MoRouter.CustomerLink, MeterBinder {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterMo.class);
    private static final String KIND = "mo";
    /** After this an unanswered relay is forgotten: its SMSC was answered with a temporary error long before. */
    private static final long FORGET_AFTER_MS = MoRouter.WAIT_LIMIT_MS * 5;
    /** §5.1.3 ESME_RX_T_APPN: what the SMSC hears when the bound node cannot take it. */
    private static final int ESME_RX_T_APPN = 0x64;

    private final String self;
    private final String topic;
    private final Producer<byte[], byte[]> producer;
    private final RecordAuth auth;
    private final Presence presence;
    private final NodeKeys keys;
    private final MoRouter.CustomerLink local;
    private final ScheduledExecutorService scheduler;
    private final Map<String, Asked> asked = new ConcurrentHashMap<>();
    private final AtomicLong relayed = new AtomicLong();
    private final AtomicLong deliveredForOthers = new AtomicLong();

    /** A relay out: to which node, and the answer to complete. */
    private record Asked(String node, CompletableFuture<Integer> answer) {
    }

    /** @param local this node's way to its customers' SMPP receivers */
    ClusterMo(String self, String topic, Producer<byte[], byte[]> producer, RecordAuth auth, Presence presence,
              NodeKeys keys, MoRouter.CustomerLink local, ScheduledExecutorService scheduler) {
        this.self = self;
        this.topic = topic;
        this.producer = producer;
        this.auth = auth;
        this.presence = presence;
        this.keys = keys;
        this.local = local;
        this.scheduler = scheduler;
    }

    String topic() {
        return topic;
    }

    @Override
    public boolean hasReceiver(String customerId) {
        return local.hasReceiver(customerId) || presence.receiverOf(customerId).isPresent();
    }

    @Override
    public CompletionStage<Integer> deliver(String customerId, MoRouter.Addressed mo) {
        if (local.hasReceiver(customerId)) {
            return local.deliver(customerId, mo);
        }
        Optional<Presence.Node> bound = presence.receiverOf(customerId);
        if (bound.isEmpty()) {
            return CompletableFuture.completedFuture(ESME_RX_T_APPN);
        }
        String node = bound.get().id();
        String request = UUID.randomUUID().toString();
        CompletableFuture<Integer> answer = new CompletableFuture<>();
        asked.put(request, new Asked(node, answer));
        scheduler.schedule(() -> asked.remove(request), FORGET_AFTER_MS, TimeUnit.MILLISECONDS);
        Envelope unsealed = new Envelope(self, node, request, null, 0);
        Envelope relay = new Envelope(self, node, request, keys.seal(bound.get().publicKey(), unsealed.aad(KIND),
                encodeMo(customerId, mo)), 0);
        try {
            producer.send(new ProducerRecord<>(topic, relay.key(), relay.encode(auth, topic)),
                    (metadata, e) -> {
                        if (e == null) {
                            relayed.incrementAndGet();
                        } else {
                            answer.complete(ESME_RX_T_APPN);
                        }
                    });
        } catch (RuntimeException e) {
            answer.complete(ESME_RX_T_APPN);
        }
        return answer;
    }

    /**
     * One record of the topic: an MO for this node's receivers, or the answer to one relayed from here (which counts
     * only from the node it was relayed to).
     */
    void consume(Envelope envelope, long offset) {
        try {
            if (!envelope.to().equals(self)) {
                return;
            }
            if (!envelope.isRequest()) {
                Asked a = asked.get(envelope.id());
                if (a != null && a.node().equals(envelope.from()) && asked.remove(envelope.id(), a)) {
                    a.answer().complete(envelope.status());
                }
                return;
            }
            Optional<byte[]> peer = presence.key(envelope.from());
            if (peer.isEmpty()) {
                return; // its SMSC is answered with a temporary error and sends it again
            }
            deliverForOther(envelope.from(), envelope.id(), keys.open(peer.get(), envelope.aad(KIND),
                    envelope.sealed()));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            LOG.info("relayed MO at offset {} skipped ({}); its SMSC sends it again", offset, e.toString());
        }
    }

    private void deliverForOther(String from, String request, byte[] plain) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(plain))) {
            String customer = in.readUTF();
            String messageId = in.readUTF();
            String handset = in.readUTF();
            String number = in.readUTF();
            String connector = in.readUTF();
            SmppAddress source = new SmppAddress(in.readByte(), in.readByte(), in.readUTF());
            SmppAddress destination = new SmppAddress(in.readByte(), in.readByte(), in.readUTF());
            byte esmClass = in.readByte();
            byte dataCoding = in.readByte();
            byte[] text = new byte[in.readInt()];
            in.readFully(text);
            InboundDeliverSm deliverSm = new InboundDeliverSm(connector, source, destination, esmClass, dataCoding, text,
                    null, -1);
            CompletionStage<Integer> delivered = local.hasReceiver(customer)
                    ? local.deliver(customer, new MoRouter.Addressed(messageId, handset, number, deliverSm))
                    : CompletableFuture.completedFuture(ESME_RX_T_APPN);
            delivered.whenComplete((status, failed) -> {
                int answer = failed == null ? status : ESME_RX_T_APPN;
                if (answer == 0) {
                    deliveredForOthers.incrementAndGet();
                }
                try {
                    Envelope reply = new Envelope(self, from, request, null, answer);
                    producer.send(new ProducerRecord<>(topic, reply.key(), reply.encode(auth, topic)));
                } catch (RuntimeException e) {
                    LOG.warn("answer to a relayed MO could not be sent to node {}: {}", from, e.toString());
                }
            });
        }
    }

    static byte[] encodeMo(String customer, MoRouter.Addressed mo) {
        InboundDeliverSm d = mo.deliverSm();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128 + d.shortMessage().length);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(customer);
            out.writeUTF(mo.messageId());
            out.writeUTF(mo.handset());
            out.writeUTF(mo.number());
            out.writeUTF(d.connector());
            for (SmppAddress a : new SmppAddress[] {d.source(), d.destination()}) {
                out.writeByte(a.ton());
                out.writeByte(a.npi());
                out.writeUTF(a.value());
            }
            out.writeByte(d.esmClass());
            out.writeByte(d.dataCoding());
            byte[] text = d.shortMessage();
            out.writeInt(text.length);
            out.write(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** MO relayed to other nodes, and taken here for other nodes. */
    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("ebb.cluster.mo.relayed", relayed, AtomicLong::get)
                .description("mobile-originated messages relayed to the node their customer's receiver is bound to")
                .register(registry);
        FunctionCounter.builder("ebb.cluster.mo.delivered.for.others", deliveredForOthers, AtomicLong::get)
                .description("mobile-originated messages of other nodes' SMSC binds taken by a receiver bound here")
                .register(registry);
    }
}
