package dev.ebb.gateway.southbound;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.gateway.config.RouteConfig;
import dev.ebb.gateway.config.SimulatorConfig.Faults;
import dev.ebb.gateway.smpp.pdu.CommandStatus;
import dev.ebb.gateway.southbound.simulator.HandsetSimulator;
import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.EsmeClient;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.JsmppSubmit;
import dev.ebb.gateway.testing.TestConfigs;
import dev.ebb.gateway.testing.TestGateway;
import dev.ebb.metadata.EventType;
import dev.ebb.metadata.StoredRecord;
import dev.ebb.testing.MutableClock;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsmpp.bean.DeliverSm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 13, "SMSC faults lose nothing and multiply nothing": a whole gateway, a jSMPP customer submitting, and the
 * embedded simulator misbehaving in each of the ways operators' SMSCs do. Afterwards every message is accounted for:
 * exactly one final state record, its receipt at the customer exactly once, and a second copy at the SMSC only where a
 * submit_sm_resp was lost, each one recorded.
 */
class SmscFaultsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int MESSAGES = 40;
    /** The states a message ends in; SUBMIT_FAILED is the refusal's record, followed by UNDELIVERABLE. */
    private static final Set<EventType> FINAL = EnumSet.of(EventType.DELIVERED, EventType.UNDELIVERABLE,
            EventType.EXPIRED, EventType.CANCELLED, EventType.CONTENT_ERASED);

    @RegisterExtension
    final GatewayFixture gateway = GatewayFixture.unstarted();
    private final MutableClock clock = new MutableClock(Instant.now());
    private EventLoopGroup simulatorLoop;

    @Test
    void throttlingSlowsTheBindDownAndEveryMessageIsDeliveredOnce() throws Exception {
        HandsetSimulator smsc = simulator(new Faults(0.3, 0, null, 0, null, 0));
        start(smsc, c -> c);

        Map<String, List<EventType>> messages = account(submit(MESSAGES));

        assertThat(messages.values()).allSatisfy(events -> assertThat(finalOf(events)).isEqualTo(EventType.DELIVERED));
        assertThat(smsc.refused()).isPositive();
        assertThat(smsc.submitted()).isEqualTo(MESSAGES);
        assertThat(count(messages, EventType.SUBMIT_UNCONFIRMED)).isZero();
        assertThat(gateway.metric("ebb_southbound_throttled_total")).isEqualTo(smsc.refused());
    }

    @Test
    void aTemporaryErrorIsRetriedAfterItsBackOffAndEveryMessageIsDeliveredOnce() throws Exception {
        HandsetSimulator smsc = simulator(new Faults(0, 0.3, CommandStatus.ESME_RX_T_APPN, 0, null, 0));
        start(smsc, c -> c.retryDelay(Duration.ofMillis(20)));

        Map<String, List<EventType>> messages = account(submit(MESSAGES));

        assertThat(messages.values()).allSatisfy(events -> assertThat(finalOf(events)).isEqualTo(EventType.DELIVERED));
        assertThat(smsc.refused()).isPositive();
        assertThat(smsc.submitted()).isEqualTo(MESSAGES);
        assertThat(gateway.metric("ebb_southbound_retried_total")).isEqualTo(smsc.refused());
        assertThat(count(messages, EventType.SUBMIT_UNCONFIRMED)).isZero();
    }

    @Test
    void anErrorLeftOutOfTemporaryErrorsEndsEachMessageWithItsReceipt() throws Exception {
        HandsetSimulator smsc = simulator(new Faults(0, 1, CommandStatus.ESME_RX_T_APPN, 0, null, 0));
        start(smsc, c -> c.temporaryErrors(List.of(CommandStatus.ESME_RTHROTTLED)));

        Map<String, List<EventType>> messages = account(submit(10));

        assertThat(messages.values()).allSatisfy(events -> {
            assertThat(finalOf(events)).isEqualTo(EventType.UNDELIVERABLE);
            assertThat(events).containsSubsequence(EventType.SUBMIT_FAILED, EventType.UNDELIVERABLE);
        });
        assertThat(smsc.refused()).isEqualTo(10);
        assertThat(esme.received()).allSatisfy(r -> assertThat(new String(r.getShortMessage(), StandardCharsets.US_ASCII))
                .contains("stat:UNDELIV"));
    }

    @Test
    void lateAnswersAreSentAgainAndEachCopyTheSmscTookTwiceIsRecorded() throws Exception {
        HandsetSimulator smsc = simulator(new Faults(0, 0, null, 0.25, Duration.ofMillis(1500), 0));
        start(smsc, c -> c.responseTimeout(Duration.ofMillis(500)));

        List<String> ids = submit(MESSAGES);
        Map<String, List<EventType>> messages = account(ids);
        Await.until("every late answer given", WAIT, () -> smsc.answersOwed() == 0);
        Await.until("every late answer recorded", WAIT, () -> count(events(ids), EventType.SUBMIT_DUPLICATE)
                == count(events(ids), EventType.SUBMIT_UNCONFIRMED));
        messages = events(ids);

        long duplicates = count(messages, EventType.SUBMIT_DUPLICATE);
        assertThat(smsc.answeredLate()).isPositive();
        assertThat(duplicates).isGreaterThanOrEqualTo(smsc.answeredLate());
        // Every copy the SMSC answered ESME_ROK is the message's one SUBMITTED or a recorded duplicate: none hidden.
        assertThat(smsc.submitted()).isEqualTo(MESSAGES + duplicates);
        assertThat(messages.values()).allSatisfy(events -> {
            assertThat(finalOf(events)).isEqualTo(EventType.DELIVERED);
            assertThat(Collections.frequency(events, EventType.SUBMITTED)).isEqualTo(1);
            assertThat(Collections.frequency(events, EventType.SUBMIT_DUPLICATE))
                    .isEqualTo(Collections.frequency(events, EventType.SUBMIT_UNCONFIRMED));
        });
        assertThat(smsc.unanswered()).isZero();
    }

    @Test
    void aConnectionDroppedWithAFullWindowSendsEachMessageInItAgainExactlyOnce() throws Exception {
        HandsetSimulator smsc = simulator(Faults.allLate(Duration.ofHours(1)));
        start(smsc, c -> c.binds(2).window(4));
        List<String> ids = submit(20);
        Await.until("both windows full", WAIT, () -> smsc.answersOwed() == 8);

        smsc.faults(Faults.NONE);
        smsc.dropConnections();

        Map<String, List<EventType>> messages = account(ids);
        assertThat(smsc.unanswered()).isEqualTo(8);
        assertThat(messages.values()).allSatisfy(events -> {
            assertThat(finalOf(events)).isEqualTo(EventType.DELIVERED);
            assertThat(Collections.frequency(events, EventType.SUBMIT_UNCONFIRMED)).isLessThanOrEqualTo(1);
        });
        assertThat(count(messages, EventType.SUBMIT_UNCONFIRMED)).isEqualTo(8);
        assertThat(count(messages, EventType.SUBMIT_DUPLICATE)).isZero();
        assertThat(smsc.submitted()).isEqualTo(20);
    }

    @Test
    void messagesAcceptedWhileTheSmscIsDownAreDeliveredWhenItIsBack() throws Exception {
        HandsetSimulator smsc = simulator(Faults.NONE);
        smsc.down();
        start(smsc, c -> c);

        List<String> ids = submit(MESSAGES);
        Await.until("all queued", WAIT, () -> gateway.metric("ebb_southbound_queued") == MESSAGES);
        assertThat(smsc.submitted()).isZero();
        smsc.up();

        Map<String, List<EventType>> messages = account(ids);
        assertThat(messages.values()).allSatisfy(events -> assertThat(finalOf(events)).isEqualTo(EventType.DELIVERED));
        assertThat(smsc.submitted()).isEqualTo(MESSAGES);
        assertThat(count(messages, EventType.SUBMIT_UNCONFIRMED)).isZero();
    }

    @Test
    void messagesWhoseValidityEndsWhileTheSmscIsDownExpireWithTheirReceipt() throws Exception {
        HandsetSimulator smsc = simulator(Faults.NONE);
        smsc.down();
        start(smsc, c -> c);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            // §7.1.1 relative: ten minutes.
            ids.add(esme.submit(JsmppSubmit.to(destination(i)).registeredDelivery(1).validityPeriod("000000001000000R")
                    .shortMessage(("valid " + i).getBytes(StandardCharsets.US_ASCII))));
        }
        Await.until("all queued", WAIT, () -> gateway.metric("ebb_southbound_queued") == 10);

        clock.advance(Duration.ofMinutes(11));

        Map<String, List<EventType>> messages = account(ids);
        assertThat(messages.values()).allSatisfy(events -> {
            assertThat(finalOf(events)).isEqualTo(EventType.EXPIRED);
            assertThat(events).doesNotContain(EventType.SUBMITTED);
        });
        assertThat(esme.received()).allSatisfy(r -> assertThat(new String(r.getShortMessage(), StandardCharsets.US_ASCII))
                .contains("stat:EXPIRED"));
        assertThat(gateway.metric("ebb_southbound_queued")).isZero();
        assertThat(smsc.submitted()).isZero();
    }

    @Test
    void aRouteGoesByItsFallbackWhileItsConnectorIsDownPastFallbackAfterAndBackWhenItReturns() throws Exception {
        HandsetSimulator primary = simulator(Faults.NONE);
        HandsetSimulator backup = simulator(Faults.NONE);
        primary.down();
        gateway.start(TestGateway.builder(gateway.dataDir(), primary.port(), false)
                .moreConnectors(List.of(TestConfigs.connector("backup", backup.port()).binds(1)
                        .reconnectMax(Duration.ofMillis(500)).build()))
                .routes(List.of(new RouteConfig("", "sim", "backup", Duration.ofSeconds(30)))).build(), clock);
        esme = gateway.esme();
        Await.until("the backup bound", WAIT, () -> binds("backup") == 1);
        List<String> queued = submit(10);
        Await.until("all queued for the primary", WAIT, () -> queuedFor("sim") == 10);

        clock.advance(Duration.ofSeconds(31));

        Map<String, List<EventType>> messages = account(queued);
        assertThat(backup.submitted()).isEqualTo(10);
        assertThat(primary.submitted()).isZero();
        for (String id : queued) {
            assertThat(messages.get(id)).containsSubsequence(EventType.ACCEPTED, EventType.ROUTED, EventType.SUBMITTED,
                    EventType.DELIVERED);
            Map<EventType, String> routes = routesOf(id);
            assertThat(routes.get(EventType.ACCEPTED)).isEqualTo("sim");
            assertThat(routes.get(EventType.ROUTED)).isEqualTo("backup");
            assertThat(routes.get(EventType.SUBMITTED)).isEqualTo("backup");
            assertThat(routes.get(EventType.DELIVERED)).isEqualTo("backup");
        }

        primary.up();
        Await.until("the primary bound again", WAIT, () -> binds("sim") == 2);
        String after = submit(1).get(0);

        assertThat(account(List.of(after)).get(after)).doesNotContain(EventType.ROUTED);
        assertThat(routesOf(after).get(EventType.SUBMITTED)).isEqualTo("sim");
        assertThat(primary.submitted()).isEqualTo(1);
    }

    private EsmeClient esme;

    private HandsetSimulator simulator(Faults faults) {
        if (simulatorLoop == null) {
            simulatorLoop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
            EventLoopGroup loop = simulatorLoop;
            gateway.closeAfter(() -> loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly());
        }
        return gateway.closeAfter(HandsetSimulator.start(TestConfigs.simulator(TestGateway.freePort())
                .receiptDelay(Duration.ofMillis(5)).faults(faults).build(), simulatorLoop, clock, new Random(13)));
    }

    private void start(HandsetSimulator smsc, UnaryOperator<TestConfigs.ConnectorBuilder> connector) throws Exception {
        gateway.start(TestGateway.builder(gateway.dataDir(), smsc.port(), false).connector(connector).build(), clock);
        esme = gateway.esme();
    }

    private List<String> submit(int count) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(esme.submit("+" + destination(i), "fault " + i, StandardCharsets.ISO_8859_1, (byte) 0));
        }
        return ids;
    }

    private static String destination(int i) {
        return "4790" + String.format("%06d", i);
    }

    /**
     * Waits until every message has a final state and its receipt reached the customer, then checks each has exactly
     * one of both; returns the events of each, RECEIPT_FORWARDED left out.
     */
    private Map<String, List<EventType>> account(List<String> ids) {
        Await.until("a final state for every message", WAIT,
                () -> events(ids).values().stream().allMatch(e -> e.stream().anyMatch(FINAL::contains)));
        Await.until("every receipt at the customer", WAIT, () -> ids.stream().allMatch(id -> esme.receiptFor(id) != null));
        Map<String, List<EventType>> messages = events(ids);
        for (String id : ids) {
            assertThat(messages.get(id).stream().filter(FINAL::contains)).as("final records of " + id).hasSize(1);
            assertThat(esme.received().stream().filter(r -> receiptNames(r, id))).as("receipts of " + id).hasSize(1);
        }
        return messages;
    }

    private Map<String, List<EventType>> events(List<String> ids) {
        Map<String, List<EventType>> events = new LinkedHashMap<>();
        for (String id : ids) {
            events.put(id, gateway.eventsOf(id).stream().filter(e -> e != EventType.RECEIPT_FORWARDED).toList());
        }
        return events;
    }

    private static boolean receiptNames(DeliverSm receipt, String id) {
        return receipt.getOptionalParameter(org.jsmpp.bean.OptionalParameter.Tag.RECEIPTED_MESSAGE_ID)
                instanceof org.jsmpp.bean.OptionalParameter.OctetString s && s.getValueAsString().equals(id);
    }

    private static EventType finalOf(List<EventType> events) {
        return events.stream().filter(FINAL::contains).findFirst().orElseThrow();
    }

    private static long count(Map<String, List<EventType>> messages, EventType type) {
        return messages.values().stream().mapToLong(e -> Collections.frequency(e, type)).sum();
    }

    /** The route each of the message's records names, by event (the last of each kind). */
    private Map<EventType, String> routesOf(String id) {
        Map<EventType, String> routes = new LinkedHashMap<>();
        for (StoredRecord r : gateway.recordsOf(id)) {
            routes.put(r.record().eventType(), r.record().route());
        }
        return routes;
    }

    private double binds(String connector) {
        return tagged("ebb_southbound_binds", connector);
    }

    private double queuedFor(String connector) {
        return tagged("ebb_southbound_queued", connector);
    }

    private double tagged(String meter, String connector) {
        try {
            Matcher m = Pattern.compile("(?m)^" + meter + "\\{connector=\"" + Pattern.quote(connector) + "\",?} (\\S+)$")
                    .matcher(gateway.metrics());
            return m.find() ? Double.parseDouble(m.group(1)) : -1;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
