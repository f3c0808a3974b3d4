package dev.ebb.gateway.southbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ebb.gateway.config.SmscClient;
import dev.ebb.gateway.core.InboundDeliverSm;
import dev.ebb.gateway.core.OutboundMessage;
import dev.ebb.gateway.core.SmppAddress;
import dev.ebb.gateway.privacy.VaultCorruptedException;
import dev.ebb.gateway.route.Outbound;
import dev.ebb.gateway.route.SubmitFailedException;
import dev.ebb.gateway.route.ValidityExpiredException;
import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.TestConfigs;
import dev.ebb.testing.MutableClock;
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
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.SubmitSm;
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
                OutboundMessage.builder("m1", "demo").source(SmppAddress.international("4790000001"))
                        .destination(SmppAddress.international("4790000002")).registeredDelivery((byte) 1)
                        .shortMessage("x".getBytes(StandardCharsets.US_ASCII)).expiry(T0.plus(Duration.ofMinutes(5)))
                        .build()));

        clock.advance(Duration.ofMinutes(4));
        assertThat(connector.expireQueued()).isZero();
        clock.advance(Duration.ofMinutes(1));
        assertThat(connector.expireQueued()).isEqualTo(1);

        assertThatThrownBy(() -> result.get(1, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(ValidityExpiredException.class);
        assertThat(connector.queued()).isZero();
    }

    @Test
    void eachQueuedMessageExpiresAtItsOwnValidityWhateverWasQueuedBeforeOrAfterIt() throws Exception {
        // The scan skips a queue in which nothing can have expired yet: what it remembers must follow every
        // message in, those with a shorter validity than the ones ahead of them too.
        SmscConnector connector = connector(freePort());
        CompletableFuture<String> tenMinutes = connector.submit(Outbound.of(expiring("long", Duration.ofMinutes(10))));
        assertThat(connector.expireQueued()).isZero();
        CompletableFuture<String> twoMinutes = connector.submit(Outbound.of(expiring("short", Duration.ofMinutes(2))));
        CompletableFuture<String> fiveMinutes = connector.submit(Outbound.of(expiring("middle", Duration.ofMinutes(5))));

        clock.advance(Duration.ofMinutes(2));
        assertThat(connector.expireQueued()).isEqualTo(1);
        assertThat(twoMinutes).isCompletedExceptionally();
        clock.advance(Duration.ofMinutes(3));
        assertThat(connector.expireQueued()).isEqualTo(1);
        assertThat(fiveMinutes).isCompletedExceptionally();
        assertThat(tenMinutes).isNotDone();
        clock.advance(Duration.ofMinutes(5));
        assertThat(connector.expireQueued()).isEqualTo(1);
        assertThat(connector.queued()).isZero();
    }

    private OutboundMessage expiring(String id, Duration validity) {
        return OutboundMessage.builder(id, "demo").source(SmppAddress.international("4790000001"))
                .destination(SmppAddress.international("4790000002")).registeredDelivery((byte) 1)
                .shortMessage("x".getBytes(StandardCharsets.US_ASCII)).expiry(clock.instant().plus(validity)).build();
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

    /**
     * Issue 9 item 3: a message whose content cannot be read, or whose source jSMPP cannot encode, killed the sending
     * thread that took it. More such messages than the connector has threads (2 binds x 4), then ordinary ones.
     */
    @Test
    void messagesThatCannotBeSentFailAloneAndTheSendingThreadsGoOn() throws Exception {
        JsmppTestSmsc smsc = smsc(freePort());
        SmscConnector connector = connector(smsc.port());
        List<CompletableFuture<String>> unreadable = new ArrayList<>();
        List<CompletableFuture<String>> unencodable = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String id = "corrupt" + i;
            unreadable.add(connector.submit(new Outbound(id, null, () -> {
                throw new VaultCorruptedException("record of message " + id + " fails AES-GCM authentication");
            })));
            // TON 5 with a reserved NPI: jSMPP's NumberingPlanIndicator.valueOf throws on it.
            unencodable.add(connector.submit(Outbound.of(OutboundMessage.builder("npi" + i, "demo")
                    .source(new SmppAddress((byte) 5, (byte) 42, "EbbBank"))
                    .destination(SmppAddress.international("4790000001")).registeredDelivery((byte) 1)
                    .shortMessage("x".getBytes(StandardCharsets.US_ASCII)).build())));
        }
        List<CompletableFuture<String>> ordinary = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ordinary.add(connector.submit(Outbound.of(message("ok" + i, "47900000" + (10 + i), "after " + i))));
        }

        CompletableFuture.allOf(ordinary.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
        assertThat(smsc.received()).hasSize(10).allMatch(r -> r.contains("|after "));
        assertThat(unreadable).allSatisfy(r -> assertThat(statusOfFailure(r)).isEqualTo(0x08)); // ESME_RSYSERR
        assertThat(unencodable).allSatisfy(r -> assertThat(statusOfFailure(r)).isEqualTo(0x0A)); // ESME_RINVSRCADR
    }

    /**
     * The longest message_payload jSMPP's own decoder takes (it reads a TLV length as a signed short, so 32 KiB and
     * more fail inside the test SMSC); Ebb's embedded simulator takes 64 KiB (GatewayEndToEndTest).
     */
    @Test
    void aLongMessagePayloadArrivesWhole() throws Exception {
        JsmppTestSmsc smsc = smsc(freePort());
        SmscConnector connector = connector(smsc.port());
        byte[] payload = new byte[Short.MAX_VALUE];
        new java.util.Random(7).nextBytes(payload);

        connector.submit(Outbound.of(OutboundMessage.builder("long", "demo")
                .source(SmppAddress.international("4790000001")).destination(SmppAddress.international("4790000002"))
                .registeredDelivery((byte) 1).dataCoding((byte) 4).messagePayload(payload).build()))
                .get(20, TimeUnit.SECONDS);

        assertThat(smsc.payloads()).containsExactly(java.util.HexFormat.of().formatHex(payload));
    }

    /** Found by SubmitPathFuzzTest: jSMPP's newSarMsgRefNum(int) narrowed the 16-bit reference to a byte. */
    @Test
    void aSarReferenceOver255ArrivesAsSent() throws Exception {
        JsmppTestSmsc smsc = smsc(freePort());
        SmscConnector connector = connector(smsc.port());

        connector.submit(Outbound.of(OutboundMessage.builder("part1", "demo")
                .source(SmppAddress.international("4790000001")).destination(SmppAddress.international("4790000002"))
                .registeredDelivery((byte) 1).shortMessage("part one".getBytes(StandardCharsets.US_ASCII))
                .sar(new OutboundMessage.Sar(0x0112, 2, 1)).build()))
                .get(10, TimeUnit.SECONDS);

        SubmitSm received = smsc.submits().get(0);
        assertThat(received.getOptionalParameter(OptionalParameter.Tag.SAR_MSG_REF_NUM))
                .isInstanceOfSatisfying(OptionalParameter.Short.class, ref -> assertThat(ref.getValue()).isEqualTo((short) 0x0112));
        assertThat(received.getOptionalParameter(OptionalParameter.Tag.SAR_TOTAL_SEGMENTS))
                .isInstanceOfSatisfying(OptionalParameter.Byte.class, total -> assertThat(total.getValue()).isEqualTo((byte) 2));
        assertThat(received.getOptionalParameter(OptionalParameter.Tag.SAR_SEGMENT_SEQNUM))
                .isInstanceOfSatisfying(OptionalParameter.Byte.class, seq -> assertThat(seq.getValue()).isEqualTo((byte) 1));
    }

    /**
     * Found by SubmitPathFuzzTest: jSMPP's DataCodings.newInstance cleared the reserved bit 3 of the message-class
     * group (3GPP TS 23.038 §4), so 0xF9 left as 0xF1 and 0xFF as 0xF7.
     */
    @Test
    void aDataCodingOctetArrivesAsSent() throws Exception {
        JsmppTestSmsc smsc = smsc(freePort());
        SmscConnector connector = connector(smsc.port());
        List<Byte> codings = List.of((byte) 0xF9, (byte) 0xFF, (byte) 0xF1, (byte) 0x08, (byte) 0x00);

        for (byte coding : codings) {
            connector.submit(Outbound.of(OutboundMessage.builder("dcs" + coding, "demo")
                    .source(SmppAddress.international("4790000001"))
                    .destination(SmppAddress.international("4790000002")).registeredDelivery((byte) 1)
                    .dataCoding(coding).shortMessage(new byte[] {0x00, 0x41}).build())).get(10, TimeUnit.SECONDS);
        }

        assertThat(smsc.submits()).extracting(SubmitSm::getDataCoding).containsExactlyInAnyOrderElementsOf(codings);
    }

    private static int statusOfFailure(CompletableFuture<String> result) {
        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() -> result.get(10, TimeUnit.SECONDS));
        assertThat(failure).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SubmitFailedException.class);
        return ((SubmitFailedException) failure.getCause()).commandStatus();
    }

    private SmscConnector connector(int port) {
        // The jSMPP client's own behaviour; what both clients do is SmscClientContractTest's.
        SmscConnector connector = new SmscConnector(
                TestConfigs.connector("smsc-a", port).client(SmscClient.JSMPP).password("secret").binds(2).window(4)
                        .reconnectMax(Duration.ofMillis(400)).build(),
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
        return OutboundMessage.builder(id, "demo").source(SmppAddress.international("4790000001"))
                .destination(SmppAddress.international(to)).registeredDelivery((byte) 1)
                .shortMessage(text.getBytes(StandardCharsets.US_ASCII)).build();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
