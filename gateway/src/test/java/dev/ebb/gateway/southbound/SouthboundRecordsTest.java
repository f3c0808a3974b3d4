package dev.ebb.gateway.southbound;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.gateway.config.SmscClient;
import dev.ebb.gateway.southbound.RawSmsc.Reply;
import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.EsmeClient;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.TestConfigs;
import dev.ebb.gateway.testing.TestGateway;
import dev.ebb.metadata.EventType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the traffic records of a whole gateway say when its SMSC misbehaves (issue 12), for both SMPP clients: a
 * message whose submit_sm went unanswered is recorded SUBMIT_UNCONFIRMED before it is sent again, exactly once per
 * such submit, and a receipt that overtakes its submit_sm_resp still ends its message (DESIGN.md "Known sharp edges").
 */
class SouthboundRecordsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    final GatewayFixture gateway = GatewayFixture.unstarted();

    @ParameterizedTest(name = "{0} client")
    @EnumSource(SmscClient.class)
    void aReceiptBeforeItsSubmitResponseEndsItsMessage(SmscClient client) throws Exception {
        RawSmsc smsc = start(client, (i, s) -> new Reply.ReceiptFirst(), c -> c);

        String id = gateway.esme().submit("+4790000701", "early", StandardCharsets.ISO_8859_1, (byte) 0);

        assertThat(awaitDelivered(id)).containsExactly(EventType.ACCEPTED, EventType.SUBMITTED, EventType.DELIVERED);
        // Answered once the receipt's records are written, so after DELIVERED is readable.
        Await.until("the receipt answered ESME_ROK", WAIT, () -> smsc.deliverSmResponses().equals(List.of(0)));
    }

    @ParameterizedTest(name = "{0} client")
    @EnumSource(SmscClient.class)
    void aSubmitLeftUnansweredIsRecordedUnconfirmedBeforeItIsSentAgain(SmscClient client) throws Exception {
        RawSmsc smsc = start(client, (i, s) -> i == 0 ? new Reply.Hold() : new Reply.ReceiptFirst(),
                c -> c.responseTimeout(Duration.ofMillis(300)));

        String id = gateway.esme().submit("+4790000702", "again", StandardCharsets.ISO_8859_1, (byte) 0);

        assertThat(awaitDelivered(id)).containsExactly(EventType.ACCEPTED, EventType.SUBMIT_UNCONFIRMED,
                EventType.SUBMITTED, EventType.DELIVERED);
        assertThat(smsc.destinations()).containsExactly("4790000702", "4790000702");
    }

    @ParameterizedTest(name = "{0} client")
    @EnumSource(SmscClient.class)
    void aConnectionDroppedWithAFullWindowRecordsEachOfItsMessagesUnconfirmedOnce(SmscClient client) throws Exception {
        AtomicBoolean answering = new AtomicBoolean();
        // jSMPP learns of the drop only when its response timer runs out: 2 s, not the default 10 s, keeps the test short
        // and still longer than the window takes to fill.
        RawSmsc smsc = start(client, (i, s) -> answering.get() ? new Reply.ReceiptFirst() : new Reply.Hold(),
                c -> c.binds(1).window(4).responseTimeout(Duration.ofSeconds(2)));
        EsmeClient esme = gateway.esme();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ids.add(esme.submit("+47900008" + (10 + i), "in flight " + i, StandardCharsets.ISO_8859_1, (byte) 0));
        }
        Await.until("a full window", WAIT, () -> smsc.held().size() == 4);
        Set<String> inTheWindow = smsc.held().stream().map(RawSmsc.Submit::destination).collect(Collectors.toSet());

        answering.set(true);
        smsc.dropConnections();

        for (int i = 0; i < 8; i++) {
            List<EventType> events = awaitDelivered(ids.get(i));
            boolean wasInFlight = inTheWindow.contains("47900008" + (10 + i));
            assertThat(Collections.frequency(events, EventType.SUBMIT_UNCONFIRMED)).as("message " + i)
                    .isEqualTo(wasInFlight ? 1 : 0);
            assertThat(Collections.frequency(events, EventType.SUBMITTED)).as("message " + i).isEqualTo(1);
            assertThat(Collections.frequency(smsc.destinations(), "47900008" + (10 + i))).as("message " + i)
                    .isEqualTo(wasInFlight ? 2 : 1);
        }
    }

    private RawSmsc start(SmscClient client, RawSmsc.Script script, UnaryOperator<TestConfigs.ConnectorBuilder> change)
            throws Exception {
        RawSmsc smsc = gateway.closeAfter(new RawSmsc()).script(script);
        gateway.start(TestGateway.builder(gateway.dataDir(), smsc.port(), false)
                .connector(c -> change.apply(c.client(client))).build());
        return smsc;
    }

    /** The message's records once DELIVERED, without the RECEIPT_FORWARDED that depends on the customer's bind. */
    private List<EventType> awaitDelivered(String id) {
        Await.until("message " + id + " delivered", WAIT, () -> gateway.eventsOf(id).contains(EventType.DELIVERED));
        return gateway.eventsOf(id).stream().filter(e -> e != EventType.RECEIPT_FORWARDED).toList();
    }
}
