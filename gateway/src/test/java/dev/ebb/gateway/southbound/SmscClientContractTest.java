package dev.ebb.gateway.southbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.ebb.gateway.config.ConnectorConfig;
import dev.ebb.gateway.config.SmscClient;
import dev.ebb.gateway.core.InboundDeliverSm;
import dev.ebb.gateway.core.OutboundMessage;
import dev.ebb.gateway.core.SmppAddress;
import dev.ebb.gateway.route.Outbound;
import dev.ebb.gateway.route.SubmitFailedException;
import dev.ebb.gateway.smpp.pdu.CommandStatus;
import dev.ebb.gateway.southbound.RawSmsc.Reply;
import dev.ebb.gateway.southbound.simulator.HandsetSimulator;
import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.TestConfigs;
import dev.ebb.gateway.testing.TestGateway;
import dev.ebb.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract every southbound SMPP client keeps (issue 12), run for Ebb's own Netty client and for the jSMPP one:
 * against the embedded simulator and jSMPP's own SMSC server (two SMSCs that share no code with each other), and,
 * for the faults neither of them produces, against {@link RawSmsc}. A message is never lost: it is answered, or it
 * is sent again, and a message sent again after a submit_sm that went unanswered is told so
 * ({@link Outbound#unconfirmed()}, which writes its SUBMIT_UNCONFIRMED record) exactly once per such submit.
 */
class SmscClientContractTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int WINDOW = 8;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private final List<InboundDeliverSm> inbound = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> unconfirmed = new ConcurrentHashMap<>();
    /** The SMSC's ids of the copies answered late, by message. */
    private final Map<String, List<String>> duplicated = new ConcurrentHashMap<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private EventLoopGroup simulatorLoop;

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        if (simulatorLoop != null) {
            simulatorLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** An SMSC of the suite that answers every submit. */
    enum Smsc { SIMULATOR, JSMPP_SERVER }

    static Stream<Arguments> clientsAndSmscs() {
        return Stream.of(SmscClient.values()).flatMap(c -> Stream.of(Smsc.values()).map(s -> Arguments.of(c, s)));
    }

    @ParameterizedTest(name = "{0} client, {1}")
    @MethodSource("clientsAndSmscs")
    void aSubmitIsAnsweredAndItsReceiptReachesTheListener(SmscClient client, Smsc kind) throws Exception {
        TestSmsc smsc = smsc(kind, TestGateway.freePort());
        SmscConnector connector = connector(client, smsc.port(), b -> b);

        String smscId = connector.submit(outbound(message("m1", "4790000001"))).toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        smsc.receiptFor(smscId);

        Await.until("the receipt reaches the listener", WAIT, () -> !inbound.isEmpty());
        assertThat(inbound.get(0).isReceipt()).isTrue();
        assertThat(inbound.get(0).receiptedMessageId()).isEqualTo(smscId);
        assertThat(inbound.get(0).connector()).isEqualTo("smsc");
    }

    @ParameterizedTest(name = "{0} client, {1}")
    @MethodSource("clientsAndSmscs")
    void manyTimesTheWindowAreAllAnsweredAndTheWindowDrains(SmscClient client, Smsc kind) throws Exception {
        TestSmsc smsc = smsc(kind, TestGateway.freePort());
        SmscConnector connector = connector(client, smsc.port(), b -> b.binds(2));
        List<CompletableFuture<String>> results = submitMany(connector, "m", 25 * WINDOW);

        List<String> ids = allOf(results);

        assertThat(ids).doesNotHaveDuplicates().hasSize(25 * WINDOW);
        assertThat(smsc.submitted()).isEqualTo(25L * WINDOW);
        Await.until("the window is empty", WAIT, () -> connector.inFlight() == 0);
        assertThat(unconfirmed).isEmpty();
    }

    @ParameterizedTest(name = "{0} client, {1}")
    @MethodSource("clientsAndSmscs")
    void messagesQueuedWhileTheSmscRestartsAreSubmittedWhenItIsBack(SmscClient client, Smsc kind) throws Exception {
        int port = TestGateway.freePort();
        TestSmsc first = smsc(kind, port);
        SmscConnector connector = connector(client, port, b -> b);
        allOf(submitMany(connector, "a", 20));
        first.close();
        Await.until("the connector notices the SMSC is gone", WAIT, () -> connector.boundSessions() == 0);

        List<CompletableFuture<String>> during = submitMany(connector, "b", 20);
        assertThat(during).noneMatch(CompletableFuture::isDone);
        TestSmsc second = smsc(kind, port);

        assertThat(allOf(during)).hasSize(20);
        assertThat(second.submitted()).isEqualTo(20);
        assertThat(unconfirmed).isEmpty();
    }

    @ParameterizedTest(name = "{0} client")
    @EnumSource(SmscClient.class)
    void theWindowHoldsAtMostItsSizeUntilAnswersComeBack(SmscClient client) throws Exception {
        RawSmsc smsc = raw().script((i, s) -> new Reply.Hold());
        SmscConnector connector = connector(client, smsc.port(), b -> b);
        List<CompletableFuture<String>> results = submitMany(connector, "w", 3 * WINDOW);

        for (int round = 1; round <= 3; round++) {
            int sent = round * WINDOW;
            Await.until("a full window", WAIT, () -> smsc.held().size() == WINDOW);
            assertThat(smsc.submits()).hasSize(sent);
            assertThat(results.stream().filter(CompletableFuture::isDone)).hasSize(sent - WINDOW);
            smsc.releaseHeld(false);
            Await.until("the window's answers taken", WAIT,
                    () -> results.stream().filter(CompletableFuture::isDone).count() == sent);
        }
        assertThat(allOf(results)).hasSize(3 * WINDOW);
        assertThat(unconfirmed).isEmpty();
    }

    @ParameterizedTest(name = "{0} client")
    @EnumSource(SmscClient.class)
    void answersOutOfOrderCompleteTheirOwnSubmits(SmscClient client) throws Exception {
        RawSmsc smsc = raw().script((i, s) -> new Reply.Hold());
        SmscConnector connector = connector(client, smsc.port(), b -> b);
        List<CompletableFuture<String>> results = submitMany(connector, "o", WINDOW);
        Await.until("a full window", WAIT, () -> smsc.held().size() == WINDOW);

        smsc.releaseHeld(true);

        List<String> ids = allOf(results);
        for (int i = 0; i < WINDOW; i++) {
            assertThat(ids.get(i)).isEqualTo(smsc.answeredId(destination(i)));
        }
        assertThat(ids).doesNotHaveDuplicates();
    }

    @ParameterizedTest(name = "{0} client")
    @EnumSource(SmscClient.class)
    void aResponseWithAnUnknownSequenceNumberIsIgnored(SmscClient client) throws Exception {
        RawSmsc smsc = raw().script((i, s) -> new Reply.Hold());
        SmscConnector connector = connector(client, smsc.port(), b -> b);
        CompletableFuture<String> result = connector.submit(outbound(message("u", destination(0)))).toCompletableFuture();
        Await.until("the submit is held", WAIT, () -> smsc.held().size() == 1);

        smsc.answerUnknownSequence(0x7FFF_FF00);
        smsc.releaseHeld(false);

        assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo(smsc.answeredId(destination(0)));
        if (client == SmscClient.NETTY) {
            assertThat(connector.unmatchedResponses()).isEqualTo(1);
        }
        assertThat(unconfirmed).isEmpty();
    }

    @ParameterizedTest(name = "{0} client")
    @EnumSource(SmscClient.class)
    void aSubmitNeverAnsweredIsSentAgainOnceAndSaysSoAndItsLateAnswerIsADuplicate(SmscClient client) throws Exception {
        RawSmsc smsc = raw().script((i, s) -> i == 0 ? new Reply.Hold() : Reply.ok());
        SmscConnector connector = connector(client, smsc.port(), b -> b.responseTimeout(Duration.ofMillis(300)));
        CompletableFuture<String> result = connector.submit(outbound(message("t", destination(0)))).toCompletableFuture();

        String smscId = result.get(10, TimeUnit.SECONDS);
        smsc.releaseHeld(false);

        assertThat(smsc.destinations()).containsExactly(destination(0), destination(0));
        assertThat(unconfirmed).containsOnlyKeys("t");
        assertThat(unconfirmed.get("t")).hasValue(1);
        assertThat(connector.responseTimeoutCount()).isEqualTo(1);
        assertThat(submitTimes("ESME_ROK")).as("the submit answered; the unanswered one is a timeout").isEqualTo(1);
        Await.until("the late answer is given", WAIT, () -> !smsc.answeredId(destination(0)).equals(smscId));
        if (client == SmscClient.NETTY) {
            // The SMSC took the copy it answered late as well: two copies, the second recorded with its id.
            String lateId = smsc.answeredId(destination(0));
            Await.until("the late answer is recorded as a duplicate", WAIT, () -> duplicated.containsKey("t"));
            assertThat(duplicated.get("t")).containsExactly(lateId);
            assertThat(connector.duplicatedCount()).isEqualTo(1);
            assertThat(connector.unmatchedResponses()).isZero();
        } else {
            // jSMPP drops a response that comes after its timer, unseen: the unconfirmed record is all there is.
            assertThat(duplicated).isEmpty();
        }
        assertThat(result.get()).isEqualTo(smscId);
    }

    @ParameterizedTest(name = "{0} client")
    @EnumSource(SmscClient.class)
    void aTemporaryErrorIsSentAgainAfterItsBackOffAndTheMessageArrives(SmscClient client) throws Exception {
        RawSmsc smsc = raw().script((i, s) -> i < 3 ? new Reply.Answer(CommandStatus.ESME_RX_T_APPN) : Reply.ok());
        SmscConnector connector = connector(client, smsc.port(), b -> b.retryDelay(Duration.ofMillis(20)));

        List<String> ids = allOf(submitMany(connector, "x", 4));

        assertThat(ids).hasSize(4).doesNotHaveDuplicates();
        assertThat(smsc.submits()).hasSize(7);
        assertThat(connector.retriedCount()).isEqualTo(3);
        assertThat(connector.queued()).isZero();
        assertThat(unconfirmed).isEmpty();
    }

    @ParameterizedTest(name = "{0} client")
    @EnumSource(SmscClient.class)
    void aRefusalTheConnectorDoesNotNameTemporaryEndsTheMessage(SmscClient client) throws Exception {
        RawSmsc smsc = raw().script((i, s) -> new Reply.Answer(CommandStatus.ESME_RX_T_APPN));
        SmscConnector connector = connector(client, smsc.port(),
                b -> b.temporaryErrors(List.of(CommandStatus.ESME_RTHROTTLED)));
        CompletableFuture<String> result = connector.submit(outbound(message("f", destination(0)))).toCompletableFuture();

        Throwable failure = catchThrowable(() -> result.get(10, TimeUnit.SECONDS));

        assertThat(failure).hasCauseInstanceOf(SubmitFailedException.class);
        assertThat(((SubmitFailedException) failure.getCause()).commandStatus()).isEqualTo(CommandStatus.ESME_RX_T_APPN);
        assertThat(smsc.submits()).hasSize(1);
        assertThat(connector.retriedCount()).isZero();
    }

    @ParameterizedTest(name = "{0} client")
    @EnumSource(SmscClient.class)
    void aGenericNackEndsItsSubmitAndTheOthersGoOn(SmscClient client) throws Exception {
        String refused = "4799999999";
        RawSmsc smsc = raw().script((i, s) -> s.destination().equals(refused)
                ? new Reply.Nack(CommandStatus.ESME_RINVCMDLEN) : Reply.ok());
        SmscConnector connector = connector(client, smsc.port(), b -> b);
        CompletableFuture<String> nacked = connector.submit(outbound(message("n", refused))).toCompletableFuture();
        List<CompletableFuture<String>> others = submitMany(connector, "k", 5);

        Throwable failure = catchThrowable(() -> nacked.get(10, TimeUnit.SECONDS));

        assertThat(failure).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SubmitFailedException.class);
        // jSMPP reports a generic_nack as an invalid response, without its status: that connector records
        // ESME_RSYSERR; Ebb's own records the SMSC's status.
        assertThat(((SubmitFailedException) failure.getCause()).commandStatus()).isEqualTo(
                client == SmscClient.NETTY ? CommandStatus.ESME_RINVCMDLEN : CommandStatus.ESME_RSYSERR);
        assertThat(allOf(others)).hasSize(5);
        assertThat(unconfirmed).isEmpty();
    }

    @ParameterizedTest(name = "{0} client")
    @EnumSource(SmscClient.class)
    void aConnectionDroppedWithAFullWindowSendsEachOfItsMessagesAgainExactlyOnce(SmscClient client) throws Exception {
        AtomicInteger answering = new AtomicInteger();
        RawSmsc smsc = raw().script((i, s) -> answering.get() == 0 ? new Reply.Hold() : Reply.ok());
        // jSMPP learns of the drop only when its response timer runs out: 2 s, not the default 10 s, keeps the test short
        // and still longer than the window takes to fill.
        SmscConnector connector = connector(client, smsc.port(), b -> b.responseTimeout(Duration.ofSeconds(2)));
        List<CompletableFuture<String>> results = submitMany(connector, "d", 2 * WINDOW);
        Await.until("a full window", WAIT, () -> smsc.held().size() == WINDOW);

        answering.set(1);
        smsc.dropConnections();

        assertThat(allOf(results)).hasSize(2 * WINDOW);
        assertThat(connector.reconnectCount()).as("the bind came back").isPositive();
        List<String> destinations = smsc.destinations();
        for (int i = 0; i < 2 * WINDOW; i++) {
            boolean inTheWindow = i < WINDOW;
            assertThat(Collections.frequency(destinations, destination(i))).as("submits of message " + i)
                    .isEqualTo(inTheWindow ? 2 : 1);
            assertThat(Optional.ofNullable(unconfirmed.get("d" + i)).map(AtomicInteger::get).orElse(0))
                    .as("unconfirmed notices of message " + i).isEqualTo(inTheWindow ? 1 : 0);
        }
    }

    @ParameterizedTest(name = "{0} client")
    @EnumSource(SmscClient.class)
    void throttlingAnswersSlowTheBindDownAndTheMessagesStillArrive(SmscClient client) throws Exception {
        RawSmsc smsc = raw().script((i, s) -> i < 6
                ? new Reply.Answer(i % 2 == 0 ? CommandStatus.ESME_RTHROTTLED : CommandStatus.ESME_RMSGQFUL) : Reply.ok());
        SmscConnector connector = connector(client, smsc.port(), b -> b);

        List<String> ids = allOf(submitMany(connector, "r", 10));

        assertThat(ids).hasSize(10).doesNotHaveDuplicates();
        assertThat(smsc.submits()).hasSize(16);
        assertThat(submitTimes("ESME_RTHROTTLED")).isEqualTo(3);
        assertThat(submitTimes("ESME_RMSGQFUL")).isEqualTo(3);
        assertThat(submitTimes("ESME_ROK")).isEqualTo(10);
        assertThat(connector.throttledCount()).isEqualTo(6);
        assertThat(unconfirmed).isEmpty();
    }

    @ParameterizedTest(name = "{0} client")
    @EnumSource(SmscClient.class)
    void closeWaitsForTheWindowToDrainThenUnbinds(SmscClient client) throws Exception {
        RawSmsc smsc = raw().script((i, s) -> new Reply.Hold());
        SmscConnector connector = new SmscConnector(config(client, smsc.port(), b -> b), this::take, clock).start();
        List<CompletableFuture<String>> results = submitMany(connector, "c", WINDOW);
        Await.until("a full window", WAIT, () -> smsc.held().size() == WINDOW);

        CompletableFuture<Void> closing = CompletableFuture.runAsync(connector::close);
        smsc.releaseHeld(false);
        closing.get(20, TimeUnit.SECONDS);

        assertThat(allOf(results)).hasSize(WINDOW);
        assertThat(unconfirmed).isEmpty();
        Await.until("the connection is closed", WAIT, () -> smsc.openConnections() == 0);
    }

    @ParameterizedTest(name = "{0} client")
    @EnumSource(SmscClient.class)
    void aReceiptBeforeItsSubmitResponseStillReachesTheListener(SmscClient client) throws Exception {
        RawSmsc smsc = raw().script((i, s) -> new Reply.ReceiptFirst());
        SmscConnector connector = connector(client, smsc.port(), b -> b);

        String smscId = connector.submit(outbound(message("e", destination(0)))).toCompletableFuture()
                .get(10, TimeUnit.SECONDS);

        Await.until("the receipt reaches the listener", WAIT, () -> !inbound.isEmpty());
        assertThat(inbound.get(0).receiptedMessageId()).isEqualTo(smscId);
        Await.until("the receipt is answered", WAIT, () -> smsc.deliverSmResponses().equals(List.of(0)));
    }

    @ParameterizedTest(name = "{0} client")
    @EnumSource(SmscClient.class)
    void anSmscThatFallsSilentIsTakenForDeadAndReconnected(SmscClient client) throws Exception {
        RawSmsc smsc = raw();
        SmscConnector connector = connector(client, smsc.port(), b -> b.enquireLink(Duration.ofMillis(200))
                .responseTimeout(Duration.ofMillis(300)));
        Await.until("bound", WAIT, () -> connector.boundSessions() == 1);

        smsc.fallSilent();

        Await.until("a second connection", WAIT, () -> smsc.connectionCount() >= 2);
    }

    private List<CompletableFuture<String>> submitMany(SmscConnector connector, String prefix, int count) {
        List<CompletableFuture<String>> results = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            results.add(connector.submit(outbound(message(prefix + i, destination(i)))).toCompletableFuture());
        }
        return results;
    }

    private static List<String> allOf(List<CompletableFuture<String>> results) throws Exception {
        CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        return results.stream().map(CompletableFuture::join).toList();
    }

    private static String destination(int i) {
        return "4790" + String.format("%06d", i);
    }

    private Outbound outbound(OutboundMessage m) {
        return new Outbound(m.messageId(), m.expiry(), () -> Optional.of(m),
                () -> unconfirmed.computeIfAbsent(m.messageId(), k -> new AtomicInteger()).incrementAndGet(),
                smscId -> duplicated.computeIfAbsent(m.messageId(), k -> new CopyOnWriteArrayList<>()).add(smscId));
    }

    private static OutboundMessage message(String id, String to) {
        return OutboundMessage.builder(id, "demo").source(SmppAddress.international("4790000001"))
                .destination(SmppAddress.international(to)).registeredDelivery((byte) 1)
                .shortMessage(("text of " + id).getBytes(StandardCharsets.US_ASCII)).build();
    }

    private int take(InboundDeliverSm deliverSm) {
        inbound.add(deliverSm);
        return 0;
    }

    private ConnectorConfig config(SmscClient client, int port, UnaryOperator<TestConfigs.ConnectorBuilder> change) {
        return change.apply(TestConfigs.connector("smsc", port).client(client).binds(1).window(WINDOW)
                .reconnectMax(Duration.ofMillis(200)).responseTimeout(Duration.ofSeconds(10))).build();
    }

    private SmscConnector connector(SmscClient client, int port, UnaryOperator<TestConfigs.ConnectorBuilder> change) {
        SmscConnector connector = new SmscConnector(config(client, port, change), this::take, clock);
        connector.bindTo(registry);
        closeables.add(0, connector.start());
        return connector;
    }

    /** How many submit_sm the SMSC answered with {@code status}, by ebb_southbound_submit_seconds. */
    private long submitTimes(String status) {
        return registry.get("ebb.southbound.submit").tag("status", status).timer().count();
    }

    private RawSmsc raw() throws IOException {
        RawSmsc smsc = new RawSmsc();
        closeables.add(smsc);
        return smsc;
    }

    private TestSmsc smsc(Smsc kind, int port) throws IOException {
        TestSmsc smsc = switch (kind) {
            case SIMULATOR -> new Simulated(HandsetSimulator.start(TestConfigs.simulator(port)
                    .receiptDelay(Duration.ofMillis(5)).build(), simulatorLoop(), clock, new Random(7)));
            case JSMPP_SERVER -> new Jsmpp(new JsmppTestSmsc(port));
        };
        closeables.add(smsc);
        return smsc;
    }

    private EventLoopGroup simulatorLoop() {
        if (simulatorLoop == null) {
            simulatorLoop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        }
        return simulatorLoop;
    }

    /** What the suite needs of an SMSC that answers: its port, what it took, a receipt on request. */
    private interface TestSmsc extends AutoCloseable {
        int port();

        long submitted();

        /** Makes sure a receipt for {@code smscId} is sent (the simulator sends its own). */
        void receiptFor(String smscId) throws Exception;
    }

    private record Simulated(HandsetSimulator simulator) implements TestSmsc {
        @Override
        public int port() {
            return simulator.port();
        }

        @Override
        public long submitted() {
            return simulator.submitted();
        }

        @Override
        public void receiptFor(String smscId) {
        }

        @Override
        public void close() {
            simulator.close();
        }
    }

    private record Jsmpp(JsmppTestSmsc smsc) implements TestSmsc {
        @Override
        public int port() {
            return smsc.port();
        }

        @Override
        public long submitted() {
            return smsc.submits().size();
        }

        @Override
        public void receiptFor(String smscId) throws Exception {
            smsc.sendReceipt(smscId, "id:" + smscId + " sub:001 dlvrd:001 submit date:2603011000 done date:2603011000 "
                    + "stat:DELIVRD err:000 text:");
        }

        @Override
        public void close() throws IOException {
            smsc.close();
        }
    }
}
