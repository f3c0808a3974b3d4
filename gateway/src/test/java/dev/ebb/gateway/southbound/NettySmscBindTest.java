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
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
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

    /**
     * An SMSC that floods deliver_sm and never reads what Ebb writes back: once Ebb's writes back up, Ebb stops
     * reading, so the SMSC's own writes block, and its bind is closed as a dead peer. Ebb read on before, queuing
     * a deliver_sm_resp for each in the channel's outbound buffer: a gateway at -Xmx512m filled its heap in 20 s.
     */
    @Test
    void anSmscThatDoesNotReadIsNotReadFromEither() throws Exception {
        int flood = 400_000;
        AtomicInteger written = new AtomicInteger();
        try (java.net.ServerSocket server = new java.net.ServerSocket()) {
            // A small receive window, so what Ebb writes backs up in Ebb rather than in this socket.
            server.setReceiveBufferSize(8192);
            server.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
            Thread smsc = new Thread(() -> floodWithoutReading(server, flood, written), "not-reading-smsc");
            smsc.setDaemon(true);
            smsc.start();
            try (SmscConnector connector = new SmscConnector(TestConfigs.connector("deaf", server.getLocalPort())
                    .client(SmscClient.NETTY).binds(1).reconnectMax(Duration.ofSeconds(60)).build(), d -> 0,
                    new MutableClock(Instant.parse("2026-03-01T10:00:00Z"))).start()) {
                int[] last = {-1};
                Await.until("the SMSC's writes blocked", WAIT, () -> {
                    int now = written.get();
                    boolean stalled = now == last[0] && now < flood;
                    last[0] = now;
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
                    return stalled;
                });
                assertThat(written.get()).isLessThan(flood);
            }
        }
    }

    /**
     * deliver_sm whose TLV claims more octets than the PDU has (hostile test): each is answered 0xC2 ESME_RINVPARLEN
     * (SMPP 3.4 §5.1.3), and the log says so once per connection, not a WARN line per PDU as fast as the SMSC sends.
     */
    @Test
    void brokenDeliverSmAreEachAnsweredAndLoggedOnce() throws Exception {
        byte[] lying = {0, 1, 1, '1', 0, 1, 1, '2', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 'h', 'i', 0x04, 0x24, 0x01, (byte) 0xF4,
                'a', 'b', 'c'};
        try (dev.ebb.gateway.testing.LogCapture log = new dev.ebb.gateway.testing.LogCapture(NettySmscBind.class.getName());
             RawSmsc smsc = new RawSmsc();
             SmscConnector connector = new SmscConnector(TestConfigs.connector("lying", smsc.port())
                     .client(SmscClient.NETTY).binds(1).build(), d -> 0,
                     new MutableClock(Instant.parse("2026-03-01T10:00:00Z"))).start()) {
            Await.until("bound", WAIT, () -> connector.boundSessions() == 1);
            for (int i = 0; i < 200; i++) {
                smsc.deliver(lying);
            }

            Await.until("every deliver_sm answered", WAIT, () -> smsc.deliverSmResponses().size() == 200);
            assertThat(smsc.deliverSmResponses()).containsOnly(0xC2);
            assertThat(log.lines().stream().filter(l -> l.contains("unreadable"))).hasSize(1);
        }
    }

    /** Takes one bind, answers it, then writes {@code count} intermediate receipts and never reads again. */
    private static void floodWithoutReading(java.net.ServerSocket server, int count, AtomicInteger written) {
        try (java.net.Socket s = server.accept()) {
            java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
            java.io.DataOutputStream out = new java.io.DataOutputStream(
                    new java.io.BufferedOutputStream(s.getOutputStream(), 8192));
            int length = in.readInt();
            int commandId = in.readInt();
            in.readInt();
            int sequence = in.readInt();
            in.skipNBytes(length - 16);
            out.writeInt(16 + 4);
            out.writeInt(0x80000000 | commandId);
            out.writeInt(0);
            out.writeInt(sequence);
            out.write(new byte[] {'s', 'm', 's', 0});
            // esm_class 0x04, text an ENROUTE receipt: not final, so Ebb answers it at once and keeps nothing.
            byte[] text = "id:1 sub:001 dlvrd:000 submit date:2603011000 done date:2603011000 stat:ENROUTE err:000 text:"
                    .getBytes(StandardCharsets.US_ASCII);
            java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
            body.write(new byte[] {0, 1, 1, '1', 0, 1, 1, '2', 0, 0x04, 0, 0, 0, 0, 0, 0, 0, 0});
            body.write(text.length);
            body.write(text);
            byte[] b = body.toByteArray();
            for (int i = 1; i <= count; i++) {
                out.writeInt(16 + b.length);
                out.writeInt(0x00000005);
                out.writeInt(0);
                out.writeInt(i);
                out.write(b);
                written.incrementAndGet();
            }
            out.flush();
            Thread.sleep(Long.MAX_VALUE);
        } catch (IOException | InterruptedException closed) {
            // The test is over, or Ebb closed the connection.
        }
    }
}
