package dev.ebb.gateway.smpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cloudhopper.smpp.SmppBindType;
import com.cloudhopper.smpp.SmppSession;
import com.cloudhopper.smpp.SmppSessionConfiguration;
import com.cloudhopper.smpp.impl.DefaultSmppClient;
import com.cloudhopper.smpp.impl.DefaultSmppSessionHandler;
import com.cloudhopper.smpp.pdu.PduRequest;
import com.cloudhopper.smpp.pdu.PduResponse;
import com.cloudhopper.smpp.type.SmppBindException;
import dev.ebb.gateway.config.CustomerConfig;
import dev.ebb.gateway.config.PasswordHash;
import dev.ebb.gateway.config.SmppServerConfig;
import dev.ebb.gateway.core.SmppAddress;
import dev.ebb.gateway.smpp.pdu.CommandStatus;
import dev.ebb.gateway.smpp.pdu.Pdu;
import dev.ebb.gateway.testing.JsmppSubmit;
import dev.ebb.gateway.testing.LogCapture;
import dev.ebb.gateway.testing.RawSmppClient;
import dev.ebb.gateway.testing.TestConfigs;
import dev.ebb.testing.MutableClock;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.SMPPSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SmppServerTest {
    /** This server's sessions take submits only; query_sm and the like are another test's. */
    static final MessageOperations NO_OPERATIONS = (session, request) -> CompletableFuture.completedFuture(
            request.errorResponse(CommandStatus.ESME_RINVCMDID));
    private static final String PASSWORD = "s3cret";
    private static final String HASH = PasswordHash.hash(PASSWORD);
    private static EventLoopGroup group;
    private static final Map<String, CustomerConfig> CUSTOMERS = Map.of(
            "alpha", customer("alpha", 2, 10_000, EnumSet.allOf(dev.ebb.gateway.core.BindType.class)),
            "slow", customer("slow", 2, 5, EnumSet.allOf(dev.ebb.gateway.core.BindType.class)),
            "txonly", customer("txonly", 2, 100, EnumSet.of(dev.ebb.gateway.core.BindType.TRANSMITTER)),
            "bulk", customer("bulk", 1, 1_000_000, EnumSet.allOf(dev.ebb.gateway.core.BindType.class)));

    private SmppServer server;
    private final List<CompletableFuture<SubmitOutcome>> held = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final List<AutoCloseable> clients = new CopyOnWriteArrayList<>();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));

    @BeforeAll
    static void loops() {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stopLoops() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @BeforeEach
    void start() throws Exception {
        server = SmppServer.start(config(0, 0, null), CUSTOMERS, this::handle, NO_OPERATIONS, group, group,
                Optional.empty(), clock);
    }

    /** A window of 4, refused binds answered after 20 ms; other limits as given, 0 or null for the defaults. */
    private static SmppServerConfig config(int maxConnections, int maxConnectionsPerAddress, Duration bindTimeout) {
        return config(maxConnections, maxConnectionsPerAddress, 0, bindTimeout);
    }

    private static SmppServerConfig config(int maxConnections, int maxConnectionsPerAddress, int maxUnbound,
                                           Duration bindTimeout) {
        return TestConfigs.smppServer().windowSize(4).responseTimeout(Duration.ofSeconds(2))
                .maxConnections(maxConnections).maxConnectionsPerAddress(maxConnectionsPerAddress)
                .maxUnbound(maxUnbound).bindTimeout(bindTimeout).failedBindDelay(Duration.ofMillis(20)).build();
    }

    /** Another server, for limits the shared one does not have; closed after the test. */
    private SmppServer serverWith(SmppServerConfig config) throws Exception {
        SmppServer other = SmppServer.start(config, CUSTOMERS, this::handle, NO_OPERATIONS, group, group,
                Optional.empty(), clock);
        clients.add(other);
        return other;
    }

    @AfterEach
    void stop() throws Exception {
        // Newest first: a client before the server it is bound to, which would otherwise wait out its unbind.
        for (int i = clients.size() - 1; i >= 0; i--) {
            clients.get(i).close();
        }
        server.close();
    }

    private CompletionStage<SubmitOutcome> handle(SessionInfo session, Pdu.MessagePdu submit) {
        if (new String(submit.shortMessage(), StandardCharsets.ISO_8859_1).startsWith("hold")) {
            CompletableFuture<SubmitOutcome> later = new CompletableFuture<>();
            held.add(later);
            return later;
        }
        return CompletableFuture.completedFuture(SubmitOutcome.accepted("id" + accepted.incrementAndGet()));
    }

    @Test
    void aJsmppTransceiverBindsAndSubmits() throws Exception {
        SMPPSession session = jsmpp("alpha", PASSWORD, BindType.BIND_TRX);

        String id = JsmppSubmit.to("4790000002").fromNumber("4790000001").registeredDelivery(1)
                .shortMessage("hello".getBytes(StandardCharsets.US_ASCII)).submit(session);

        assertThat(id).isEqualTo("id1");
    }

    @Test
    void aCloudhopperClientBindsAndSubmits() throws Exception {
        SmppSession session = cloudhopper("alpha", PASSWORD);
        com.cloudhopper.smpp.pdu.SubmitSm submit = new com.cloudhopper.smpp.pdu.SubmitSm();
        submit.setSourceAddress(new com.cloudhopper.smpp.type.Address((byte) 1, (byte) 1, "4790000001"));
        submit.setDestAddress(new com.cloudhopper.smpp.type.Address((byte) 1, (byte) 1, "4790000002"));
        submit.setShortMessage("hei".getBytes(StandardCharsets.US_ASCII));

        com.cloudhopper.smpp.pdu.SubmitSmResp resp = session.submit(submit, 5_000);

        assertThat(resp.getCommandStatus()).isZero();
        assertThat(resp.getMessageId()).startsWith("id");
    }

    @Test
    void aWrongPasswordIsRefusedWithInvalidPassword() throws Exception {
        try (RawSmppClient raw = raw()) {
            raw.send(bind(1, "alpha", "wrong"));
            assertThat(((Pdu.BindResp) raw.read()).commandStatus()).isEqualTo(CommandStatus.ESME_RINVPASWD);
        }
    }

    @Test
    void wrongPasswordsFromOneAddressAreLockedOutWhileTheRightOneFromAnotherBinds() throws Exception {
        // Issue 9 item 12: 2,000 wrong passwords were all checked (~360 guesses/s), and a legitimate bind queued
        // behind them. The clock stands still: no lock expires during the test.
        try (RawSmppClient guesser = raw()) {
            Map<Integer, Integer> statuses = new HashMap<>();
            for (int i = 1; i <= 30; i++) {
                guesser.send(bind(i, "alpha", "guess" + i));
                statuses.merge(((Pdu.BindResp) guesser.read()).commandStatus(), 1, Integer::sum);
            }
            assertThat(statuses).isEqualTo(Map.of(CommandStatus.ESME_RINVPASWD, BindThrottle.FREE_PER_ACCOUNT,
                    CommandStatus.ESME_RBINDFAIL, 30 - BindThrottle.FREE_PER_ACCOUNT));

            guesser.send(bind(31, "alpha", PASSWORD));
            assertThat(((Pdu.BindResp) guesser.read()).commandStatus()).as("the right password, from the guesser")
                    .isEqualTo(CommandStatus.ESME_RBINDFAIL);
        }
        bound(RawSmppClient.from("127.0.0.2", server.port()), "alpha").close();
        assertThat(server.lockedBinds()).isEqualTo(26);

        clock.advance(BindThrottle.FIRST_LOCK);
        bound(raw(), "alpha").close();
    }

    @Test
    void aBurstOfConcurrentGuessesIsCheckedNoMoreThanASequence() throws Exception {
        // Concurrent attempts count as failed until they succeed, so 40 connections guessing at once get no more
        // password checks than one connection guessing 40 times, and the hashing queue stays short.
        List<RawSmppClient> guessers = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            RawSmppClient guesser = raw();
            guesser.send(bind(1, "alpha", "guess" + i));
            guessers.add(guesser);
        }
        bound(RawSmppClient.from("127.0.0.2", server.port()), "alpha").close();

        Map<Integer, Integer> statuses = new HashMap<>();
        for (RawSmppClient guesser : guessers) {
            statuses.merge(((Pdu.BindResp) guesser.read()).commandStatus(), 1, Integer::sum);
        }
        assertThat(statuses).isEqualTo(Map.of(CommandStatus.ESME_RINVPASWD, BindThrottle.FREE_PER_ACCOUNT,
                CommandStatus.ESME_RBINDFAIL, 40 - BindThrottle.FREE_PER_ACCOUNT));
    }

    @Test
    void aSystemIdIsLoggedWithItsControlCharactersEscaped() throws Exception {
        // Issue 9 item 13: CR/LF in a system_id reached the log raw and could forge a line.
        try (LogCapture logs = new LogCapture("dev.ebb.gateway.smpp"); RawSmppClient raw = raw()) {
            raw.send(bind(1, "x\r\nINFO forged", PASSWORD));
            raw.read();

            assertThat(logs.lines()).anySatisfy(line -> assertThat(line).contains("x\\r\\nINFO forged"))
                    .allSatisfy(line -> assertThat(line).doesNotContain("\r", "\n"));
        }
    }

    @Test
    void aSystemIdThatLooksLikeANumberIsLoggedMasked() throws Exception {
        try (LogCapture logs = new LogCapture("dev.ebb.gateway.smpp"); RawSmppClient raw = raw()) {
            raw.send(bind(1, "4790000001", PASSWORD));
            raw.read();

            assertThat(logs.lines()).anySatisfy(line -> assertThat(line).contains("4790***001"))
                    .allSatisfy(line -> assertThat(line).doesNotContain("4790000001"));
        }
    }

    @Test
    void lostFramingIsLoggedWithoutTheBytesThatLostIt() throws Exception {
        // The four bytes read as a command_length were text: "hell" = 0x68656c6c = 1751477356.
        try (LogCapture logs = new LogCapture("dev.ebb.gateway.smpp"); RawSmppClient raw = boundRaw("alpha")) {
            raw.sendBytes("hello, this is message content".getBytes(StandardCharsets.US_ASCII));
            assertThat(raw.closedByPeer()).isTrue();

            assertThat(logs.lines()).anySatisfy(line -> assertThat(line).contains("framing lost"))
                    .allSatisfy(line -> assertThat(line).doesNotContain("1751477356", "hell"));
        }
    }

    @Test
    void anUnknownSystemIdIsRefusedWithInvalidSystemId() throws Exception {
        try (RawSmppClient raw = raw()) {
            raw.send(bind(1, "nobody", PASSWORD));
            assertThat(((Pdu.BindResp) raw.read()).commandStatus()).isEqualTo(CommandStatus.ESME_RINVSYSID);
        }
    }

    @Test
    void aBindTypeTheAccountMayNotUseFails() throws Exception {
        try (RawSmppClient raw = raw()) {
            raw.send(new Pdu.Bind(dev.ebb.gateway.core.BindType.RECEIVER, 1, "txonly", PASSWORD, "", (byte) 0x34, (byte) 0, (byte) 0, ""));
            assertThat(((Pdu.BindResp) raw.read()).commandStatus()).isEqualTo(CommandStatus.ESME_RBINDFAIL);
        }
    }

    @Test
    void aBindBeyondTheAccountsLimitIsRefusedAsAlreadyBound() throws Exception {
        jsmpp("alpha", PASSWORD, BindType.BIND_TX);
        jsmpp("alpha", PASSWORD, BindType.BIND_TX);

        assertThatThrownBy(() -> jsmpp("alpha", PASSWORD, BindType.BIND_TX))
                .hasMessageContaining("5"); // jSMPP reports the negative bind_resp's command_status (0x05 ESME_RALYBND)
        assertThat(server.sessions().boundSessions()).isEqualTo(2);
    }

    @Test
    void aPduBeforeBindIsAnsweredWithInvalidBindStatus() throws Exception {
        try (RawSmppClient raw = raw()) {
            raw.send(submit(7, "before bind"));
            Pdu.SubmitSmResp resp = (Pdu.SubmitSmResp) raw.read();
            assertThat(resp.commandStatus()).isEqualTo(CommandStatus.ESME_RINVBNDSTS);
            assertThat(resp.sequenceNumber()).isEqualTo(7);
        }
    }

    @Test
    void anEnquireLinkBeforeBindIsAnsweredWithInvalidBindStatus() throws Exception {
        try (RawSmppClient raw = raw()) {
            raw.send(new Pdu.EnquireLink(8));
            assertThat(raw.read()).isEqualTo(new Pdu.EnquireLinkResp(8, CommandStatus.ESME_RINVBNDSTS));
        }
    }

    @Test
    void aConnectionNotBoundWithinTheBindTimeoutIsClosed() throws Exception {
        // Issue 9 item 11: unbound connections lived 90 s, and for ever with an enquire_link every 20 s.
        // 1 s, not less: the first bind hashes its password, which on a loaded 2-core machine can take a few hundred ms.
        SmppServer strict = serverWith(config(0, 0, Duration.ofSeconds(1)));
        try (RawSmppClient bound = bound(new RawSmppClient(strict.port()), "alpha");
             RawSmppClient idle = new RawSmppClient(strict.port())) {
            idle.send(new Pdu.EnquireLink(1));
            assertThat(idle.read()).isEqualTo(new Pdu.EnquireLinkResp(1, CommandStatus.ESME_RINVBNDSTS));

            assertThat(idle.closedByPeer()).isTrue();
            // The bind timeout has passed for the bound connection too: it stays.
            bound.send(new Pdu.EnquireLink(2));
            assertThat(bound.read()).isEqualTo(new Pdu.EnquireLinkResp(2, CommandStatus.ESME_ROK));
        }
    }

    @Test
    void connectionsOverTheAddressOrListenerCapOfBoundSessionsAreClosedAtOnce() throws Exception {
        // Issue 9 item 11: 21,000 idle connections exhausted the file descriptors.
        SmppServer capped = serverWith(config(3, 2, null));
        RawSmppClient first = bound(new RawSmppClient(capped.port()), "alpha");
        RawSmppClient second = bound(new RawSmppClient(capped.port()), "alpha");
        try (RawSmppClient third = new RawSmppClient(capped.port())) {
            assertThat(third.closedByPeer()).as("a third from 127.0.0.1").isTrue();
        }
        RawSmppClient elsewhere = bound(RawSmppClient.from("127.0.0.2", capped.port()), "slow");
        try (RawSmppClient fourth = RawSmppClient.from("127.0.0.3", capped.port())) {
            assertThat(fourth.closedByPeer()).as("a fourth on the listener").isTrue();
        }

        assertThat(capped.refusedConnections()).isEqualTo(2);
        assertThat(capped.evictedConnections()).isZero();
        for (RawSmppClient kept : List.of(first, second, elsewhere)) {
            assertThat(open(kept)).isSameAs(kept);
            kept.close();
        }
    }

    @Test
    void connectionsThatNeverBindCannotKeepOutACustomerThatBinds() throws Exception {
        // Issue 9, hostile test 13: ten addresses holding 100 unbound connections each, reopened as the bind timeout
        // closed them, kept every bind from another address out. Here three addresses could fill the listener.
        SmppServer capped = serverWith(config(12, 4, 6, null));
        attack(capped.port());

        RawSmppClient customer = RawSmppClient.from("127.0.0.2", capped.port());
        clients.add(customer);
        open(customer);
        // The attackers reopen what was closed: each new connection closes an unbound one of the address that has
        // the most, never the customer's only one.
        attack(capped.port());
        bound(customer, "alpha");
        attack(capped.port());

        assertThat(open(customer)).isSameAs(customer);
        // The first six found room, and so did the first after the bind (a bound session is no unbound one); every
        // other connection, the customer's included, closed an unbound one.
        assertThat(capped.evictedConnections()).isEqualTo(6 + 1 + 12 + 11);
        assertThat(capped.refusedConnections()).isZero();
    }

    /** Four connections from each of three addresses, none bound, each answered before the next opens. */
    private void attack(int port) throws Exception {
        for (String from : List.of("127.0.0.10", "127.0.0.11", "127.0.0.12")) {
            for (int i = 0; i < 4; i++) {
                RawSmppClient attacker = RawSmppClient.from(from, port);
                clients.add(attacker);
                open(attacker);
            }
        }
    }

    /** {@code raw} after the server has answered it: it is open, whatever its bind state. */
    private static RawSmppClient open(RawSmppClient raw) throws Exception {
        raw.send(new Pdu.EnquireLink(99));
        assertThat(raw.read()).isInstanceOf(Pdu.EnquireLinkResp.class);
        return raw;
    }

    @Test
    void anUnknownCommandIdGetsGenericNackAndTheSessionGoesOn() throws Exception {
        try (RawSmppClient raw = boundRaw("alpha")) {
            raw.sendBytes(ByteBufUtil.decodeHexDump("00000010" + "00000077" + "00000000" + "00000009"));
            assertThat(raw.read()).isEqualTo(new Pdu.GenericNack(9, CommandStatus.ESME_RINVCMDID));
            raw.send(new Pdu.EnquireLink(10));
            assertThat(raw.read()).isEqualTo(new Pdu.EnquireLinkResp(10, 0));
        }
    }

    @Test
    void aCommandLengthBelowSixteenClosesTheConnection() throws Exception {
        try (RawSmppClient raw = boundRaw("alpha")) {
            raw.sendBytes(ByteBufUtil.decodeHexDump("0000000800000015"));
            assertThat(raw.closedByPeer()).isTrue();
        }
    }

    @Test
    void aCommandLengthAboveTheMaximumClosesTheConnection() throws Exception {
        try (RawSmppClient raw = boundRaw("alpha")) {
            raw.sendBytes(ByteBufUtil.decodeHexDump("7fffffff0000000400000000000000010000"));
            assertThat(raw.closedByPeer()).isTrue();
        }
    }

    @Test
    void anOverlongDestinationIsAnsweredWithInvalidDestinationAddress() throws Exception {
        try (RawSmppClient raw = boundRaw("alpha")) {
            raw.send(submit(3, "x").toBuilder()
                    .destination(new SmppAddress((byte) 1, (byte) 1, "4790000001479000000147")).build());
            assertThat(raw.read()).isEqualTo(new Pdu.SubmitSmResp(3, CommandStatus.ESME_RINVDSTADR, ""));
        }
    }

    @Test
    void submitsAboveTheCustomersRateAreThrottled() throws Exception {
        try (RawSmppClient raw = boundRaw("slow")) {
            int throttled = 0;
            // One at a time: twelve at once would overflow the window of 4.
            for (int i = 1; i <= 12; i++) {
                raw.send(submit(i, "m" + i));
                if (((Pdu.SubmitSmResp) raw.read()).commandStatus() == CommandStatus.ESME_RTHROTTLED) {
                    throttled++;
                }
            }
            // 5/s with a one-second burst allowance: at most 6 pass, the rest are throttled.
            assertThat(throttled).isGreaterThanOrEqualTo(6);
        }
    }

    @Test
    void submitsBeyondTheWindowAreRefusedWithMessageQueueFull() throws Exception {
        try (RawSmppClient raw = boundRaw("alpha")) {
            for (int i = 1; i <= 5; i++) {
                raw.send(submit(i, "hold " + i));
            }
            assertThat(raw.read()).isEqualTo(new Pdu.SubmitSmResp(5, CommandStatus.ESME_RMSGQFUL, ""));
            held.forEach(f -> f.complete(SubmitOutcome.accepted("late")));
            for (int i = 1; i <= 4; i++) {
                assertThat(((Pdu.SubmitSmResp) raw.read()).commandStatus()).isZero();
            }
        }
    }

    @Test
    void submitsWhoseResponsesAreNotReadFillTheWindow() throws Exception {
        // Issue 9 item 5: 30,000 submit_sm sent without reading a response all got ESME_ROK. A response Ebb has
        // not yet handed to the kernel keeps its submit in the window.
        try (RawSmppClient raw = bound(RawSmppClient.withSmallBuffers(server.port()), "bulk")) {
            Pdu.SubmitSm submit = submit(1, "not read");
            long sent = raw.floodUntilBlocked(submit, 64L << 20) / RawSmppClient.encode(submit).length;

            Map<Integer, Integer> statuses = new HashMap<>();
            for (long i = 0; i < sent; i++) {
                statuses.merge(((Pdu.SubmitSmResp) raw.read()).commandStatus(), 1, Integer::sum);
            }
            assertThat(statuses.keySet()).containsExactlyInAnyOrder(CommandStatus.ESME_ROK, CommandStatus.ESME_RMSGQFUL);
        }
    }

    @Test
    void anotherCustomersGarbageDoesNotDisturbABoundSession() throws Exception {
        SMPPSession good = jsmpp("alpha", PASSWORD, BindType.BIND_TRX);
        try (RawSmppClient bad = boundRaw("slow")) {
            bad.sendBytes(ByteBufUtil.decodeHexDump("00000004ffffffff"));
            assertThat(bad.closedByPeer()).isTrue();
        }
        String id = JsmppSubmit.to("4790000002").fromNumber("4790000001")
                .shortMessage("still here".getBytes(StandardCharsets.US_ASCII)).submit(good);
        assertThat(id).startsWith("id");
    }

    @Test
    void aDeliverSmReachesABoundReceiverAndCompletesWithItsResponse() throws Exception {
        try (RawSmppClient raw = boundRaw("alpha")) {
            CompletionStage<Integer> result = server.sessions().deliver("alpha", deliverSm("id:1 stat:DELIVRD"));
            Pdu.DeliverSm received = (Pdu.DeliverSm) raw.read();
            raw.send(new Pdu.DeliverSmResp(received.sequenceNumber(), 0));

            assertThat(result.toCompletableFuture().get(5, TimeUnit.SECONDS)).isZero();
        }
    }

    @Test
    void aDeliverSmForACustomerWithNoReceiverFailsAtOnce() {
        CompletionStage<Integer> result = server.sessions().deliver("alpha", deliverSm(""));

        assertThatThrownBy(() -> result.toCompletableFuture().get(1, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(NoReceiverBoundException.class);
    }

    @Test
    void aDeliverSmStillWaitingWhenTheCustomerDisconnectsFails() throws Exception {
        CompletionStage<Integer> result;
        try (RawSmppClient raw = boundRaw("alpha")) {
            result = server.sessions().deliver("alpha", deliverSm(""));
            raw.read();
        }
        assertThatThrownBy(() -> result.toCompletableFuture().get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
    }

    @Test
    void aReceiverThatReadsButNeverAnswersHasAtMostAWindowOfDeliverSmOutstanding() throws Exception {
        // SMPP 3.4 §2.7: the window applies to what Ebb sends as well; a deliver_sm past it stays with the caller.
        try (RawSmppClient raw = boundRaw("alpha")) {
            List<CompletionStage<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                results.add(server.sessions().deliver("alpha", deliverSm("id:" + i)));
            }
            for (int i = 0; i < 4; i++) {
                assertThat(raw.read()).isInstanceOf(Pdu.DeliverSm.class);
            }
            assertThat(raw.readWithin(Duration.ofMillis(500))).as("a fifth deliver_sm").isNull();
            for (CompletionStage<Integer> pastTheWindow : results.subList(4, 6)) {
                assertThatThrownBy(() -> pastTheWindow.toCompletableFuture().getNow(null))
                        .hasCauseInstanceOf(ReceiversBusyException.class);
            }
        }
    }

    @Test
    void aDeliverSmNotAnsweredInTimeFailsAndFreesItsWindowSlot() throws Exception {
        SmppServer oneSlot = serverWith(TestConfigs.smppServer().windowSize(1)
                .responseTimeout(Duration.ofMillis(200)).failedBindDelay(Duration.ofMillis(20)).build());
        RawSmppClient raw = bound(new RawSmppClient(oneSlot.port()), "alpha");
        clients.add(raw);
        CompletionStage<Integer> unanswered = oneSlot.sessions().deliver("alpha", deliverSm("id:1"));
        raw.read();

        assertThatThrownBy(() -> unanswered.toCompletableFuture().get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(TimeoutException.class);
        CompletionStage<Integer> next = oneSlot.sessions().deliver("alpha", deliverSm("id:2"));
        raw.send(new Pdu.DeliverSmResp(raw.read().sequenceNumber(), CommandStatus.ESME_ROK));
        assertThat(next.toCompletableFuture().get(5, TimeUnit.SECONDS)).isZero();
    }

    private static Pdu.DeliverSm deliverSm(String text) {
        return Pdu.DeliverSm.builder().source(SmppAddress.international("4790000002"))
                .destination(SmppAddress.international("4790000001")).esmClass(4)
                .shortMessage(text.getBytes(StandardCharsets.US_ASCII)).build();
    }

    @Test
    void aPeerThatFloodsEnquireLinksWithoutReadingIsNoLongerRead() throws Exception {
        // Issue 9 item 4: the responses used to pile up in Ebb without limit (600 MB, then OutOfMemoryError).
        long limit = 64L << 20;
        try (RawSmppClient flood = RawSmppClient.withSmallBuffers(server.port())) {
            long written = flood.floodUntilBlocked(new Pdu.EnquireLink(1), limit);

            assertThat(written).as("bytes the server took before it stopped reading").isLessThan(limit);
            assertThat(server.pendingOutboundBytes()).as("responses queued in Ebb").isLessThan(1L << 20);
        }
    }

    private static Pdu.Bind bind(int sequence, String systemId, String password) {
        return new Pdu.Bind(dev.ebb.gateway.core.BindType.TRANSCEIVER, sequence, systemId, password, "", (byte) 0x34,
                (byte) 0, (byte) 0, "");
    }

    private static Pdu.SubmitSm submit(int sequence, String text) {
        return Pdu.SubmitSm.builder().sequenceNumber(sequence).source(SmppAddress.international("4790000001"))
                .destination(SmppAddress.international("4790000002")).shortMessage(text.getBytes(StandardCharsets.ISO_8859_1))
                .build();
    }

    private RawSmppClient raw() throws Exception {
        RawSmppClient raw = new RawSmppClient(server.port());
        clients.add(raw);
        return raw;
    }

    private RawSmppClient boundRaw(String systemId) throws Exception {
        return bound(raw(), systemId);
    }

    private RawSmppClient bound(RawSmppClient raw, String systemId) throws Exception {
        return raw.bind(dev.ebb.gateway.core.BindType.TRANSCEIVER, systemId, PASSWORD);
    }

    private SMPPSession jsmpp(String systemId, String password, BindType type) throws Exception {
        SMPPSession session = new SMPPSession();
        try {
            session.connectAndBind("127.0.0.1", server.port(), new BindParameter(type, systemId, password, "",
                    TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null));
        } catch (Exception e) {
            session.close();
            throw e;
        }
        clients.add(session::unbindAndClose);
        return session;
    }

    private SmppSession cloudhopper(String systemId, String password) throws SmppBindException, Exception {
        DefaultSmppClient client = new DefaultSmppClient();
        SmppSessionConfiguration config = new SmppSessionConfiguration(SmppBindType.TRANSCEIVER, systemId, password);
        config.setHost("127.0.0.1");
        config.setPort(server.port());
        config.setBindTimeout(5_000);
        SmppSession session = client.bind(config, new DefaultSmppSessionHandler() {
            @Override
            public PduResponse firePduRequestReceived(PduRequest request) {
                return request.createResponse();
            }
        });
        clients.add(() -> {
            session.unbind(1_000);
            session.destroy();
            client.destroy();
        });
        return session;
    }

    private static CustomerConfig customer(String id, int maxBinds, int tps, EnumSet<dev.ebb.gateway.core.BindType> types) {
        return TestConfigs.customer(id).smpp(TestConfigs.smppAccount(id, HASH).bindTypes(types).maxBinds(maxBinds))
                .tps(tps).build();
    }
}
