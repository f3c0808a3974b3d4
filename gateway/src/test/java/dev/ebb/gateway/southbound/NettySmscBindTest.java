package dev.ebb.gateway.southbound;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.gateway.config.SmscBindMode;
import dev.ebb.gateway.config.SmscClient;
import dev.ebb.gateway.core.InboundDeliverSm;
import dev.ebb.gateway.core.OutboundMessage;
import dev.ebb.gateway.core.SmppAddress;
import dev.ebb.gateway.route.Outbound;
import dev.ebb.gateway.southbound.RawSmsc.Reply;
import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.TestConfigs;
import dev.ebb.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What only Ebb's own client does (the contract both clients keep is {@link SmscClientContractTest}'s). */
class NettySmscBindTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    /** SMPP 3.4 §4.1: bind_transmitter for submits and bind_receiver for receipts, two connections per bind. */
    @Test
    void aTransmitterReceiverBindSubmitsOnOneConnectionAndTakesReceiptsOnTheOther() throws Exception {
        List<InboundDeliverSm> inbound = new CopyOnWriteArrayList<>();
        try (RawSmsc smsc = new RawSmsc().script((i, s) -> new Reply.ReceiptFirst());
             SmscConnector connector = new SmscConnector(TestConfigs.connector("split", smsc.port())
                     .client(SmscClient.NETTY).bindMode(SmscBindMode.TRANSMITTER_RECEIVER).binds(1)
                     .reconnectMax(Duration.ofMillis(200)).build(), d -> inbound.add(d) ? 0 : 1,
                     new MutableClock(Instant.parse("2026-03-01T10:00:00Z"))).start()) {
            Await.until("both connections bound", WAIT, () -> connector.boundSessions() == 1);
            assertThat(smsc.binds()).containsExactlyInAnyOrder(0x02, 0x01);

            String smscId = connector.submit(Outbound.of(OutboundMessage.builder("m1", "demo")
                    .source(SmppAddress.international("4790000001")).destination(SmppAddress.international("4790000002"))
                    .registeredDelivery((byte) 1).shortMessage("hi".getBytes(StandardCharsets.US_ASCII)).build()))
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);

            Await.until("the receipt arrives on the receiver", WAIT, () -> !inbound.isEmpty());
            assertThat(inbound.get(0).receiptedMessageId()).isEqualTo(smscId);
            Await.until("the receipt answered ESME_ROK", WAIT, () -> smsc.deliverSmResponses().equals(List.of(0)));
        }
    }

    /**
     * An SMSC that sends unbind with a submit in flight and leaves the connection open (SMPP 3.4 §4.2 has the
     * initiator close it): the bind stops taking messages at once and closes after its grace period, the submit in
     * flight is sent again on the next bind. It stayed the bound session before, and the feeder took, opened from the
     * vault and handed back the next message in a busy loop (both cores) until the SMSC closed, which this one never
     * does: the held message's content was opened thousands of times and nothing reconnected.
     */
    @Test
    void anSmscThatUnbindsAndKeepsTheConnectionOpenIsLeftAndBoundAgain() throws Exception {
        AtomicInteger opened = new AtomicInteger();
        AtomicInteger answered = new AtomicInteger();
        try (RawSmsc smsc = new RawSmsc().script((i, s) -> i == 0 ? new Reply.Hold() : Reply.ok());
             SmscConnector connector = new SmscConnector(TestConfigs.connector("unbound", smsc.port())
                     .client(SmscClient.NETTY).binds(1).responseTimeout(Duration.ofSeconds(2))
                     .reconnectMax(Duration.ofMillis(200)).build(), d -> 0,
                     new MutableClock(Instant.parse("2026-03-01T10:00:00Z"))).start()) {
            Await.until("bound", WAIT, () -> connector.boundSessions() == 1);
            OutboundMessage m = OutboundMessage.builder("m1", "demo").source(SmppAddress.international("4790000001"))
                    .destination(SmppAddress.international("4790000002"))
                    .shortMessage("hi".getBytes(StandardCharsets.US_ASCII)).build();
            Outbound counted = new Outbound("m1", null, () -> {
                opened.incrementAndGet();
                return java.util.Optional.of(m);
            }, answered::incrementAndGet);
            var result = connector.submit(counted);
            Await.until("the submit held in flight", WAIT, () -> smsc.held().size() == 1);

            smsc.unbindConnections();

            assertThat(result.toCompletableFuture().get(10, TimeUnit.SECONDS)).isNotEmpty();
            assertThat(smsc.connectionCount()).isEqualTo(2);
            assertThat(answered.get()).as("recorded unconfirmed once").isEqualTo(1);
            assertThat(opened.get()).as("content opened for each of its two submit_sm").isEqualTo(2);
        }
    }
}
