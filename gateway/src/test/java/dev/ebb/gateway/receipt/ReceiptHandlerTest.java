package dev.ebb.gateway.receipt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ebb.gateway.core.InboundDeliverSm;
import dev.ebb.gateway.core.MessageState;
import dev.ebb.gateway.core.OutboundMessage;
import dev.ebb.gateway.core.SmppAddress;
import dev.ebb.gateway.core.Submission;
import dev.ebb.gateway.route.InFlight;
import dev.ebb.gateway.smpp.pdu.DeliveryReceipt;
import dev.ebb.testing.MutableClock;
import dev.ebb.gateway.testing.PrivacyStores;
import dev.ebb.metadata.Channel;
import dev.ebb.metadata.EventType;
import dev.ebb.metadata.MetadataStoreException;
import dev.ebb.metadata.TrafficQuery;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReceiptHandlerTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final int ESME_RX_T_APPN = 0x64;
    private final MutableClock clock = new MutableClock(T0);
    private final List<CustomerReceipt> forwarded = new ArrayList<>();

    @TempDir
    Path dir;
    private PrivacyStores stores;
    private ReceiptHandler receipts;

    @BeforeEach
    void open() {
        stores = new PrivacyStores(dir, clock);
        receipts = new ReceiptHandler(stores.privacy, stores.outbox, forwarded::add, c -> false, clock);
    }

    @AfterEach
    void close() {
        stores.close();
    }

    @Test
    void aReceiptWhoseRecordCannotBeStoredIsRefusedForARetryAndTheRetryIsTakenOnceTheStoreWritesAgain() {
        // Issue 9, hostile retest: on a full disk the DELIVERED append threw, jSMPP answered ESME_RX_T_APPN, but the
        // message had already left the matcher, so every retry was held as "unknown SMSC id" and given up: 12 of
        // 3,000 receipts arrived.
        InFlight message = inFlight("m1");
        receipts.submitted(message, "sim", "abc1");
        stopTheMetadataWriter();

        assertThat(receipts.onDeliverSm(receipt("abc1"))).isEqualTo(ESME_RX_T_APPN);
        assertThat(forwarded).isEmpty();
        assertThat(receipts.awaitingReceipt()).as("the message still waits for its receipt").isEqualTo(1);

        assertThat(stores.metadata.repair()).isTrue();
        assertThat(receipts.onDeliverSm(receipt("abc1"))).as("the SMSC's retry").isZero();
        assertThat(forwarded).extracting(CustomerReceipt::state).containsExactly(MessageState.DELIVERED);
        assertThat(stores.metadata.query(TrafficQuery.byMessageId("m1", T0.minusSeconds(60), T0.plusSeconds(60)))
                .records()).extracting(r -> r.record().eventType())
                .containsExactly(EventType.ACCEPTED, EventType.SUBMITTED, EventType.DELIVERED);
    }

    @Test
    void aMessageWhoseSubmittedRecordCannotBeStoredStillGetsItsReceiptOnceTheStoreWritesAgain() {
        // Before: the exception left the SMSC's acknowledgement callback, the message never reached the matcher and
        // its receipt was given up as one for an unknown SMSC id.
        InFlight message = inFlight("m2");
        stopTheMetadataWriter();
        receipts.submitted(message, "sim", "abc2");

        assertThat(receipts.onDeliverSm(receipt("abc2"))).isEqualTo(ESME_RX_T_APPN);
        assertThat(stores.metadata.repair()).isTrue();
        assertThat(receipts.onDeliverSm(receipt("abc2"))).isZero();
        assertThat(forwarded).extracting(CustomerReceipt::state).containsExactly(MessageState.DELIVERED);
        assertThat(stores.metadata.query(TrafficQuery.byMessageId("m2", T0.minusSeconds(60), T0.plusSeconds(60)))
                .records()).extracting(r -> r.record().eventType())
                .containsExactly(EventType.ACCEPTED, EventType.DELIVERED);
    }

    /**
     * Stops the store's writer the way any failed write does: a record from outside puts the queue out of step, so
     * the next append fails and every later one is refused until repair.
     */
    private void stopTheMetadataWriter() {
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(dir.resolve("metadata").resolve("queue"))
                .rollCycle(RollCycles.FAST_DAILY).timeProvider(clock::millis).build();
             DocumentContext dc = queue.createAppender().writingDocument()) {
            dc.wire().bytes().write(new byte[40]);
        }
        assertThatThrownBy(() -> stores.privacy.accept(submission("other"), "sim"))
                .isInstanceOf(MetadataStoreException.class);
        assertThat(stores.metadata.writable()).isFalse();
    }

    private InFlight inFlight(String id) {
        Submission submission = submission(id);
        return new InFlight(stores.privacy.accept(submission, "sim"), true, 0);
    }

    private Submission submission(String id) {
        OutboundMessage message = new OutboundMessage(id, "acme", "", new SmppAddress((byte) 5, (byte) 0, "Acme"),
                SmppAddress.international("4790000001"), (byte) 0, (byte) 0, (byte) 0, (byte) 1, (byte) 3,
                "hello".getBytes(StandardCharsets.ISO_8859_1), null, null, T0.plus(Duration.ofHours(71)), null, null);
        return new Submission(message, new Submission.Ingress(Channel.SMPP, "acme", "127.0.0.1"), clock.instant());
    }

    private InboundDeliverSm receipt(String smscId) {
        String text = new DeliveryReceipt(smscId, 1, 1, T0, T0, MessageState.DELIVERED, 0).format();
        return new InboundDeliverSm("sim", SmppAddress.international("4790000001"),
                new SmppAddress((byte) 5, (byte) 0, "Acme"), (byte) 0x04, (byte) 0,
                text.getBytes(StandardCharsets.ISO_8859_1), null, -1);
    }
}
