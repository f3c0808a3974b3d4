package dev.ebb.gateway.southbound;

import static dev.ebb.gateway.testing.TwoCustomers.OTHER;
import static dev.ebb.gateway.testing.TwoCustomers.OTHER_PASSWORD;
import static dev.ebb.gateway.testing.TwoCustomers.refusal;
import static dev.ebb.gateway.testing.TwoCustomers.withOtherCustomer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.gateway.config.EbbConfig;
import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.EsmeClient;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.TestGateway;
import dev.ebb.metadata.EventType;
import dev.ebb.metadata.TrafficQuery;
import dev.ebb.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jsmpp.bean.DataCodings;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.MessageState;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.TypeOfNumber;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 11: cancel_sm, replace_sm (SMPP 3.4 §4.9, §4.10) and schedule_delivery_time (§4.4.1) on messages Ebb still
 * holds, over real sockets: a whole gateway, jSMPP customers, and a jSMPP SMSC that records what it receives. A
 * message is held by an SMSC that is not up yet, or by its schedule on a {@link MutableClock}.
 */
class HeldMessagesTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String HANDSET = "4790000001";

    @RegisterExtension
    final GatewayFixture gateway = GatewayFixture.unstarted();

    private final MutableClock clock = new MutableClock(Instant.now());
    private final int smscPort = TestGateway.freePort();
    private EbbConfig config;
    private JsmppTestSmsc smsc;

    @BeforeEach
    void start() throws Exception {
        config = withOtherCustomer(TestGateway.config(gateway.dataDir(), smscPort, false));
        gateway.start(config, clock);
    }

    @AfterEach
    void stopSmsc() throws Exception {
        if (smsc != null) {
            smsc.close();
        }
    }

    /** §4.9: cancelled while queued, it ends DELETED, its receipt says so, and the SMSC never sees it. */
    @Test
    void aMessageCancelledWhileQueuedNeverReachesTheSmsc() throws Exception {
        EsmeClient esme = gateway.esme();
        String id = esme.submit("+" + HANDSET, "cancel me", StandardCharsets.ISO_8859_1, (byte) 0);

        cancel(esme, id);

        assertThat(query(esme, id)).isEqualTo(MessageState.DELETED);
        Await.until("the DELETED receipt", WAIT, () -> esme.receiptFor(id) != null);
        assertThat(new String(esme.receiptFor(id).getShortMessage(), StandardCharsets.US_ASCII)).contains("stat:DELETED");
        assertThat(gateway.eventsOf(id)).containsExactly(EventType.ACCEPTED, EventType.CANCELLED,
                EventType.RECEIPT_FORWARDED);
        smscUp();
        esme.submit("+" + HANDSET, "sent after", StandardCharsets.ISO_8859_1, (byte) 0);
        Await.until("the later message at the SMSC", WAIT, () -> smsc.received().contains(HANDSET + "|sent after"));
        assertThat(smsc.received()).doesNotContain(HANDSET + "|cancel me");
    }

    /** §4.10: replaced while queued, the SMSC receives the new text only. */
    @Test
    void aMessageReplacedWhileQueuedReachesTheSmscWithTheNewText() throws Exception {
        EsmeClient esme = gateway.esme();
        String id = esme.submit("+" + HANDSET, "old text", StandardCharsets.ISO_8859_1, (byte) 0);

        esme.session().replaceShortMessage(id, TypeOfNumber.ALPHANUMERIC, NumberingPlanIndicator.UNKNOWN, "Acme", null,
                null, new RegisteredDelivery(1), (byte) 0, "new text".getBytes(StandardCharsets.ISO_8859_1));
        smscUp();

        Await.until("the new text at the SMSC", WAIT, () -> smsc.received().contains(HANDSET + "|new text"));
        assertThat(smsc.received()).doesNotContain(HANDSET + "|old text");
        Await.until("the SUBMITTED record of " + id, WAIT, () -> gateway.eventsOf(id).contains(EventType.SUBMITTED));
        assertThat(gateway.eventsOf(id)).containsExactly(EventType.ACCEPTED, EventType.REPLACED, EventType.SUBMITTED);
    }

    /** Once at the SMSC a message is Ebb's no longer: cancel is 0x11 ESME_RCANCELFAIL, replace 0x13 (§5.1.3). */
    @Test
    void aMessageAtTheSmscCanNeitherBeCancelledNorReplaced() throws Exception {
        smscUp();
        EsmeClient esme = gateway.esme();
        String id = esme.submit("+" + HANDSET, "already sent", StandardCharsets.ISO_8859_1, (byte) 0);
        Await.until("the message at the SMSC", WAIT, () -> smsc.received().contains(HANDSET + "|already sent"));
        Await.until("its SUBMITTED record", WAIT, () -> gateway.eventsOf(id).contains(EventType.SUBMITTED));

        assertThat(refusal(() -> {
            cancel(esme, id);
            return null;
        })).isEqualTo(0x11);
        assertThat(refusal(() -> {
            esme.session().replaceShortMessage(id, TypeOfNumber.ALPHANUMERIC, NumberingPlanIndicator.UNKNOWN, "Acme",
                    null, null, new RegisteredDelivery(1), (byte) 0, "too late".getBytes(StandardCharsets.ISO_8859_1));
            return null;
        })).isEqualTo(0x13);
    }

    /** Another customer's queued message is refused as if unknown, and stays queued for its owner. */
    @Test
    void anotherCustomersMessageCannotBeCancelledOrReplaced() throws Exception {
        EsmeClient other = gateway.closeAfter(new EsmeClient(gateway.smppPort(), OTHER, OTHER_PASSWORD));
        String theirs = other.submit("+" + HANDSET, "theirs", StandardCharsets.ISO_8859_1, (byte) 0);
        EsmeClient esme = gateway.esme();

        assertThat(refusal(() -> {
            cancel(esme, theirs);
            return null;
        })).isEqualTo(0x11);
        assertThat(refusal(() -> {
            esme.session().replaceShortMessage(theirs, TypeOfNumber.ALPHANUMERIC, NumberingPlanIndicator.UNKNOWN,
                    "Acme", null, null, new RegisteredDelivery(1), (byte) 0,
                    "hijacked".getBytes(StandardCharsets.ISO_8859_1));
            return null;
        })).isEqualTo(0x13);
        assertThat(refusal(() -> {
            cancel(esme, "no-such-message");
            return null;
        })).isEqualTo(0x11);
        smscUp();
        Await.until("their message at the SMSC", WAIT, () -> smsc.received().contains(HANDSET + "|theirs"));
        assertThat(smsc.received()).doesNotContain(HANDSET + "|hijacked");
    }

    /** §4.4.1, relative time (§7.1.1 'R'): held until the clock passes it, then sent. */
    @Test
    void aMessageScheduledAnHourAheadIsSentWhenTheHourHasPassed() throws Exception {
        smscUp();
        EsmeClient esme = gateway.esme();
        String id = submit(esme, "in an hour", "000000010000000R");
        clock.advance(Duration.ofMinutes(59));
        esme.submit("+" + HANDSET, "now", StandardCharsets.ISO_8859_1, (byte) 0);
        Await.until("the unscheduled message at the SMSC", WAIT, () -> smsc.received().contains(HANDSET + "|now"));

        assertThat(smsc.received()).doesNotContain(HANDSET + "|in an hour");
        assertThat(query(esme, id)).isEqualTo(MessageState.ENROUTE);

        clock.advance(Duration.ofMinutes(2));
        Await.until("the scheduled message at the SMSC", WAIT, () -> smsc.received().contains(HANDSET + "|in an hour"));
    }

    /** A scheduled message is accepted like any other: it survives a restart and is sent when due. */
    @Test
    void aScheduledMessageSurvivesARestart() throws Exception {
        smscUp();
        EsmeClient esme = gateway.esme();
        submit(esme, "after the restart", "000000010000000R");

        gateway.stop();
        gateway.start(config, clock);
        clock.advance(Duration.ofMinutes(61));

        Await.until("the scheduled message at the SMSC", WAIT,
                () -> smsc.received().contains(HANDSET + "|after the restart"));
    }

    /**
     * Ebb holds a scheduled message with its content, so only inside the content window (71 h with the default 72 h
     * retention and 1 h buckets); beyond it, or malformed, §5.1.3 0x61 ESME_RINVSCHED, and nothing is recorded of it.
     * 70 h ahead is inside.
     */
    @Test
    void aScheduleBeyondTheContentWindowOrMalformedIsRefused() throws Exception {
        EsmeClient esme = gateway.esme();

        assertThat(refusal(() -> submit(esme, "too late", "000003000000000R"))).isEqualTo(0x61);
        assertThat(refusal(() -> submit(esme, "too late", "000002233000000R"))).isEqualTo(0x61);
        assertThat(refusal(() -> submit(esme, "no month 13", "261301120000000+"))).isEqualTo(0x61);
        assertThat(refusal(() -> submit(esme, "no such suffix", "2601011200000000"))).isEqualTo(0x61);
        assertThat(gateway.metadata().oldestRecordAge()).isEmpty();
        assertThat(refusal(() -> submit(esme, "in time", "000002220000000R"))).isZero();
    }

    /**
     * A scheduled message waits in Ebb's memory like a queued one, so it counts against its route's maxQueued: a
     * customer scheduling messages days ahead as fast as it can gets ESME_RMSGQFUL (SMPP 3.4 §5.1.3 0x14) at the
     * limit instead of filling the heap until the gateway dies (hostile test: 650,000 messages 70 h ahead were an
     * OutOfMemoryError at -Xmx512m, and the restart re-queued them all into memory again). A cancelled one frees its
     * place.
     */
    @Test
    void scheduledMessagesCountAgainstTheRoutesQueueLimit() throws Exception {
        gateway.start(withOtherCustomer(TestGateway.builder(gateway.dataDir(), smscPort, false).maxQueued(3).build()),
                clock);
        smscUp();
        EsmeClient esme = gateway.esme();
        List<String> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(submit(esme, "later " + i, "000002220000000R"));
        }

        assertThat(refusal(() -> submit(esme, "one too many", "000002220000000R"))).isEqualTo(0x14);
        assertThat(refusal(() -> esme.submit("+" + HANDSET, "nor now", StandardCharsets.ISO_8859_1, (byte) 0)))
                .isEqualTo(0x14);
        cancel(esme, held.get(0));
        assertThat(refusal(() -> submit(esme, "in the freed place", "000002220000000R"))).isZero();
    }

    /**
     * Each customer has its own share of scheduled messages (hostile test: with only the route's limit, one customer's
     * messages scheduled 70 h ahead filled it, and every customer on the route got ESME_RMSGQFUL until they fell due).
     * Past its share a customer's next scheduled message gets 0x14; its messages for now, and another customer's
     * scheduled ones, still go.
     */
    @Test
    void aCustomerPastItsShareOfScheduledMessagesHoldsBackNoOtherCustomer() throws Exception {
        gateway.start(withOtherCustomer(TestGateway.builder(gateway.dataDir(), smscPort, false).maxScheduled(2)
                .build()), clock);
        smscUp();
        EsmeClient esme = gateway.esme();
        EsmeClient other = gateway.closeAfter(new EsmeClient(gateway.smppPort(), OTHER, OTHER_PASSWORD));
        submit(esme, "later 0", "000002220000000R");
        submit(esme, "later 1", "000002220000000R");

        assertThat(refusal(() -> submit(esme, "a third", "000002220000000R"))).isEqualTo(0x14);
        assertThat(refusal(() -> esme.submit("+" + HANDSET, "now", StandardCharsets.ISO_8859_1, (byte) 0))).isZero();
        assertThat(refusal(() -> submit(other, "the other's later", "000002220000000R"))).isZero();
    }

    /**
     * A replace_sm's new validity ends inside the content window counted from the message's acceptance, not from the
     * replace: replaced 70 h after it was accepted with 10 h more validity, it used to live on to 80 h (and a replace
     * before each end kept a message, with content for it, for ever). Now it expires at the window's end, and a new
     * schedule past that end is refused like a submit's (§5.1.3 0x62: it would expire first).
     */
    @Test
    void aReplaceDoesNotKeepAMessagePastTheContentWindowOfItsAcceptance() throws Exception {
        EsmeClient esme = gateway.esme();
        Instant accepted = clock.instant();
        String id = esme.submit("+" + HANDSET, "held", StandardCharsets.ISO_8859_1, (byte) 0);
        clock.advance(Duration.ofHours(70));

        assertThat(refusal(() -> replace(esme, id, "scheduled past the window", "000000050000000R",
                "000000100000000R"))).isEqualTo(0x62);
        assertThat(refusal(() -> replace(esme, id, "ten hours more", null, "000000100000000R"))).isZero();
        clock.advance(Duration.ofHours(1).plusMinutes(1));

        Await.until("the message expires at the end of its acceptance's window", WAIT,
                () -> eventsSince(id, accepted).contains(EventType.EXPIRED));
        assertThat(eventsSince(id, accepted)).startsWith(EventType.ACCEPTED, EventType.REPLACED, EventType.EXPIRED);
    }

    /** The message's events from {@code from} to the test clock's now (GatewayFixture's look an hour around real time). */
    private List<EventType> eventsSince(String id, Instant from) {
        return gateway.metadata().query(TrafficQuery.byMessageId(id, from.minusSeconds(1), clock.instant().plusSeconds(1)))
                .records().stream().map(r -> r.record().eventType()).toList();
    }

    /** @return the id, for {@code refusal} */
    private static String replace(EsmeClient esme, String id, String text, String schedule, String validity)
            throws Exception {
        esme.session().replaceShortMessage(id, TypeOfNumber.ALPHANUMERIC, NumberingPlanIndicator.UNKNOWN, "Acme",
                schedule, validity, new RegisteredDelivery(1), (byte) 0, text.getBytes(StandardCharsets.ISO_8859_1));
        return id;
    }

    private String submit(EsmeClient esme, String text, String schedule) throws Exception {
        return esme.session().submitShortMessage("", TypeOfNumber.ALPHANUMERIC, NumberingPlanIndicator.UNKNOWN, "Acme",
                TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, HANDSET, new ESMClass(), (byte) 0, (byte) 0,
                schedule, null, new RegisteredDelivery(1), (byte) 0, DataCodings.ZERO, (byte) 0,
                text.getBytes(StandardCharsets.ISO_8859_1)).getMessageId();
    }

    private static void cancel(EsmeClient esme, String id) throws Exception {
        esme.session().cancelShortMessage("", id, TypeOfNumber.ALPHANUMERIC, NumberingPlanIndicator.UNKNOWN, "Acme",
                TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, HANDSET);
    }

    private static MessageState query(EsmeClient esme, String id) throws Exception {
        return esme.session().queryShortMessage(id, TypeOfNumber.ALPHANUMERIC, NumberingPlanIndicator.UNKNOWN, "Acme")
                .getMessageState();
    }

    private void smscUp() throws Exception {
        smsc = new JsmppTestSmsc(smscPort);
    }
}
