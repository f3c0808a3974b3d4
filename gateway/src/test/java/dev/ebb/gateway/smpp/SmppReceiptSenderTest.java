package dev.ebb.gateway.smpp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.gateway.config.CustomerConfig;
import dev.ebb.gateway.config.PasswordHash;
import dev.ebb.gateway.config.ReceiptsConfig;
import dev.ebb.gateway.core.BindType;
import dev.ebb.gateway.core.MessageState;
import dev.ebb.gateway.privacy.PrivacyInterceptor;
import dev.ebb.gateway.receipt.CustomerReceipt;
import dev.ebb.gateway.receipt.ReceiptOutbox;
import dev.ebb.gateway.route.InFlight;
import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.LogCapture;
import dev.ebb.gateway.testing.RawSmppClient;
import dev.ebb.gateway.testing.TestConfigs;
import dev.ebb.testing.MutableClock;
import dev.ebb.gateway.testing.PrivacyStores;
import dev.ebb.gateway.smpp.pdu.CommandStatus;
import dev.ebb.gateway.smpp.pdu.Pdu;
import dev.ebb.gateway.receipt.SmppReceiptSender;
import dev.ebb.metadata.Channel;
import dev.ebb.metadata.EventType;
import dev.ebb.metadata.SourceAddress;
import dev.ebb.metadata.TrafficQuery;
import dev.ebb.metadata.TrafficRecord;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Receipts to SMPP customers held in Ebb's bounded backlog, against a real server and stores. */
class SmppReceiptSenderTest {
    private static final String PASSWORD = "s3cret";
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int MAX_HELD = 3;
    /** SMPP 3.4 §5.1.3 ESME_RX_T_APPN: the customer cannot take it now. */
    private static final int TEMPORARY_APP_ERROR = 0x64;

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private EventLoopGroup group;
    private PrivacyStores stores;
    private SmppServer server;
    private SmppReceiptSender sender;
    private int messages;

    @BeforeEach
    void start() throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        // The outbox hands back at most what the sender holds without setting any aside (MAX_HELD / 2).
        stores = new PrivacyStores(dir, clock, MAX_HELD / 2);
        CustomerConfig alpha = TestConfigs.customer("alpha")
                .smpp(TestConfigs.smppAccount("alpha", PasswordHash.hash(PASSWORD)).maxBinds(2)).build();
        server = SmppServer.start(TestConfigs.smppServer().windowSize(4).responseTimeout(Duration.ofSeconds(5))
                        .failedBindDelay(Duration.ofMillis(20)).build(), Map.of("alpha", alpha),
                (session, submit) -> CompletableFuture.completedFuture(SubmitOutcome.refused(CommandStatus.ESME_RSYSERR)),
                SmppServerTest.NO_OPERATIONS,
                group, group, Optional.empty(), clock);
        sender = new SmppReceiptSender(server.sessions(), stores.outbox, scheduler, clock, MAX_HELD);
    }

    @AfterEach
    void stop() {
        server.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        scheduler.shutdownNow();
        stores.close();
    }

    @Test
    void receiptsPastTheCapAreSetAsideToTheOutboxLoggedAtMostEveryTenSecondsAndHandedBackOnceTheHeldAreTaken()
            throws Exception {
        List<String> ids = new ArrayList<>();
        try (LogCapture log = new LogCapture(SmppReceiptSender.class.getName())) {
            for (int i = 0; i < 10; i++) {
                ids.add(forward());
            }
            assertThat(sender.waiting()).isEqualTo(MAX_HELD);
            assertThat(sender.setAsideCount()).isEqualTo(7);
            assertThat(log.lines()).singleElement().asString().startsWith("1 receipts to customer alpha set aside");

            clock.advance(Duration.ofSeconds(10));
            ids.add(forward());
            assertThat(log.lines()).hasSize(2).last().asString().startsWith("7 receipts to customer alpha set aside");
        }
        clock.advance(ReceiptOutbox.SETTLE);
        stores.outbox.start(sender);
        try (RawSmppClient receiver = bound()) {
            List<String> received = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                Pdu.DeliverSm receipt = (Pdu.DeliverSm) receiver.read();
                received.add(RawSmppClient.receiptedMessageId(receipt));
                receiver.send(new Pdu.DeliverSmResp(receipt.sequenceNumber(), CommandStatus.ESME_ROK));
            }
            // The count of those taken and of those waiting move one after the other: wait for both.
            Await.until("every receipt is taken", WAIT, () -> sender.forwardedCount() == ids.size()
                    && sender.waiting() == 0);
            assertThat(received).as("each once, the set-aside ones from the outbox").containsExactlyInAnyOrderElementsOf(ids);
            assertThat(stores.outbox.held()).isZero();
        }
    }

    @Test
    void receiptsARefusingReceiverDoesNotTakeAreRetriedAndLoggedAtMostEveryTenSeconds() throws Exception {
        try (LogCapture log = new LogCapture(SmppReceiptSender.class.getName()); RawSmppClient receiver = bound()) {
            for (int i = 0; i < MAX_HELD; i++) {
                sender.forward(receipt());
            }
            for (int i = 0; i < MAX_HELD; i++) {
                receiver.send(new Pdu.DeliverSmResp(receiver.read().sequenceNumber(), TEMPORARY_APP_ERROR));
            }
            // Back again after the back-off, and taken this time.
            for (int i = 0; i < MAX_HELD; i++) {
                receiver.send(new Pdu.DeliverSmResp(receiver.read().sequenceNumber(), CommandStatus.ESME_ROK));
            }
            Await.until("the retried receipts are taken", WAIT, () -> sender.forwardedCount() == MAX_HELD);

            assertThat(log.lines()).singleElement().asString().startsWith("1 receipts to customer alpha not taken");
            assertThat(sender.waiting()).isZero();
        }
    }

    @Test
    void aReceiptNoReceiverTakesIsGivenUpAtItsLimitWithARecord() {
        String id = forward();
        clock.advance(ReceiptsConfig.DEFAULT_RETRY_FOR.minusSeconds(1));
        sender.giveUpExpired();
        assertThat(sender.waiting()).as("still within its limit").isOne();

        clock.advance(Duration.ofSeconds(1));
        sender.giveUpExpired();

        assertThat(sender.waiting()).isZero();
        assertThat(stores.outbox.givenUpCount()).isOne();
        assertThat(stores.metadata.query(TrafficQuery.byMessageId(id, clock.instant().minus(Duration.ofDays(2)),
                clock.instant().plusSeconds(1))).records()).extracting(r -> r.record().eventType())
                .containsExactly(EventType.RECEIPT_DROPPED);
    }

    private RawSmppClient bound() throws Exception {
        return new RawSmppClient(server.port()).bind(BindType.RECEIVER, "alpha", PASSWORD);
    }

    private String forward() {
        CustomerReceipt receipt = receipt();
        sender.forward(receipt);
        return receipt.message().messageId();
    }

    private CustomerReceipt receipt() {
        TrafficRecord accepted = TrafficRecord.builder().eventType(EventType.ACCEPTED).eventTime(clock.instant())
                .messageId("m" + ++messages).customerId("alpha").channel(Channel.SMPP).systemId("alpha")
                .source(SourceAddress.international("+4790000001")).destination("+4790000002").route("sim").build();
        InFlight message = new InFlight(new PrivacyInterceptor.Accepted(null, accepted), true, 0);
        return stores.outbox.owe(new CustomerReceipt(message, MessageState.DELIVERED, 0, clock.instant()));
    }
}
