package dev.ebb.gateway.southbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ebb.gateway.config.ConnectorConfig;
import dev.ebb.gateway.core.OutboundMessage;
import dev.ebb.gateway.core.SmppAddress;
import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.MutableClock;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SmscConnectorTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private final MutableClock clock = new MutableClock(T0);
    private final List<InboundDeliverSm> inbound = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    @Test
    void submitCompletesWithTheSmscMessageId() throws Exception {
        JsmppTestSmsc smsc = smsc(freePort());
        SmscConnector connector = connector(smsc.port());

        String smscId = connector.submit(Outbound.of(message("m1", "4790000001", "hello"))).get(10, TimeUnit.SECONDS);

        assertThat(smscId).isNotBlank();
        assertThat(smsc.received()).containsExactly("4790000001|hello");
    }

    @Test
    void messagesAcceptedWhileTheSmscIsDownAreAllSubmittedWhenItComesBack() throws Exception {
        int port = freePort();
        SmscConnector connector = connector(port);
        List<CompletableFuture<String>> results = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            results.add(connector.submit(Outbound.of(message("a" + i, "47900000" + (10 + i), "first " + i))));
        }
        assertThat(results).noneMatch(CompletableFuture::isDone);

        JsmppTestSmsc first = smsc(port);
        CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
        first.close();
        Await.until("the connector notices the SMSC is gone", Duration.ofSeconds(10), () -> connector.boundSessions() == 0);

        List<CompletableFuture<String>> during = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            during.add(connector.submit(Outbound.of(message("b" + i, "47900001" + (10 + i), "second " + i))));
        }
        JsmppTestSmsc second = smsc(port);
        CompletableFuture.allOf(during.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

        assertThat(first.received()).hasSize(50);
        assertThat(second.received()).hasSize(50).allMatch(r -> r.contains("|second "));
    }

    @Test
    void aMessageWhoseValidityRunsOutWhileQueuedEndsExpired() throws Exception {
        SmscConnector connector = connector(freePort());
        CompletableFuture<String> result = connector.submit(Outbound.of(
                new OutboundMessage("m1", "demo", "", SmppAddress.international("4790000001"),
                        SmppAddress.international("4790000002"), (byte) 0, (byte) 0, (byte) 0, (byte) 1, (byte) 0,
                        "x".getBytes(StandardCharsets.US_ASCII), null, null, T0.plus(Duration.ofMinutes(5)))));

        clock.advance(Duration.ofMinutes(4));
        assertThat(connector.expireQueued()).isZero();
        clock.advance(Duration.ofMinutes(1));
        assertThat(connector.expireQueued()).isEqualTo(1);

        assertThatThrownBy(() -> result.get(1, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(ValidityExpiredException.class);
        assertThat(connector.queued()).isZero();
    }

    @Test
    void deliveryReceiptsFromTheSmscReachTheListener() throws Exception {
        JsmppTestSmsc smsc = smsc(freePort());
        SmscConnector connector = connector(smsc.port());
        String smscId = connector.submit(Outbound.of(message("m1", "4790000001", "hi"))).get(10, TimeUnit.SECONDS);

        smsc.sendReceipt(smscId, "id:" + smscId + " sub:001 dlvrd:001 submit date:2603011000 done date:2603011000 stat:DELIVRD err:000 text:");

        Await.until("the receipt arrives", Duration.ofSeconds(10), () -> !inbound.isEmpty());
        InboundDeliverSm receipt = inbound.get(0);
        assertThat(receipt.isReceipt()).isTrue();
        assertThat(receipt.receiptedMessageId()).isEqualTo(smscId);
        assertThat(receipt.messageState()).isEqualTo(2);
        assertThat(receipt.connector()).isEqualTo("smsc-a");
    }

    private SmscConnector connector(int port) {
        SmscConnector connector = new SmscConnector(
                new ConnectorConfig("smsc-a", "127.0.0.1", port, "ebb", "secret", null, 2, 4, 0, Duration.ofMillis(400), 0),
                d -> inbound.add(d) ? 0 : 1, clock).start();
        closeables.add(0, connector);
        return connector;
    }

    private JsmppTestSmsc smsc(int port) throws IOException {
        JsmppTestSmsc smsc = new JsmppTestSmsc(port);
        closeables.add(smsc);
        return smsc;
    }

    private static OutboundMessage message(String id, String to, String text) {
        return new OutboundMessage(id, "demo", "", SmppAddress.international("4790000001"), SmppAddress.international(to),
                (byte) 0, (byte) 0, (byte) 0, (byte) 1, (byte) 0, text.getBytes(StandardCharsets.US_ASCII), null, null, null);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
