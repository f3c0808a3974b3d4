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
}
