package dev.ebb.gateway.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.gateway.config.RouteConfig;
import dev.ebb.gateway.config.SmppAccountConfig;
import dev.ebb.gateway.core.MessageIdGenerator;
import dev.ebb.gateway.core.OutboundMessage;
import dev.ebb.gateway.core.SmppAddress;
import dev.ebb.gateway.core.Submission;
import dev.ebb.gateway.privacy.PrivacyInterceptor;
import dev.ebb.gateway.receipt.ReceiptHandler;
import dev.ebb.gateway.southbound.SmscConnector;
import dev.ebb.gateway.testing.TestConfigs;
import dev.ebb.testing.MutableClock;
import dev.ebb.gateway.testing.PrivacyStores;
import dev.ebb.metadata.Channel;
import dev.ebb.metadata.EventType;
import dev.ebb.metadata.MetadataStore;
import dev.ebb.metadata.StoredRecord;
import dev.ebb.metadata.TrafficQuery;
import dev.ebb.model.Msisdn;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Admission, shared by SMPP and HTTP ingress, with a real vault and metadata store in a temp dir and a connector
 * that is never started (its queue shows what was dispatched): a message is sent whole or not at all.
 */
class AdmissionTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private final MutableClock clock = new MutableClock(T0);

    @TempDir
    Path dir;
    private PrivacyStores stores;
    private MetadataStore metadata;
    private PrivacyInterceptor privacy;
    private SmscConnector connector;
    private Admission admission;

    @BeforeEach
    void open() {
        stores = new PrivacyStores(dir, clock);
        metadata = stores.metadata;
        privacy = stores.privacy;
        ReceiptHandler receipts = new ReceiptHandler(privacy, stores.outbox, r -> { }, c -> false, clock);
        connector = new SmscConnector(TestConfigs.connector("sim", 1).binds(1).window(1)
                .reconnectMax(Duration.ofSeconds(1)).build(), receipts, clock);
        admission = new Admission(new MessageIdGenerator(clock), new Router(new RouteTable(List.of(
                new RouteConfig("+47", "sim"))), Map.of("sim", connector), privacy, receipts, clock), privacy,
                () -> true, customer -> SmppAccountConfig.DEFAULT_MAX_SCHEDULED);
    }

    @AfterEach
    void close() {
        connector.close();
        stores.close();
    }

    @Test
    void everySegmentIsDurableAndDispatched() {
        Admission.Outcome outcome = admission.admit(Msisdn.parse("+4790000001"), ingress(), T0,
                List.of(segment("one"), segment("two"))).toCompletableFuture().join();

        assertThat(outcome.status()).isEqualTo(Admission.Status.ACCEPTED);
        assertThat(outcome.messageIds()).hasSize(2);
        assertThat(connector.queued()).isEqualTo(2);
        assertThat(events(outcome.messageIds().get(1))).containsExactly(EventType.ACCEPTED);
    }

    @Test
    void whenASegmentFailsNoneIsSentAndTheDurableOnesAreWithdrawn() {
        List<String> ids = new ArrayList<>();
        Function<String, OutboundMessage> failing = id -> {
            ids.add(id);
            throw new IllegalStateException("disk full");
        };

        Admission.Outcome outcome = admission.admit(Msisdn.parse("+4790000001"), ingress(), T0,
                List.of(recording(ids, "one"), recording(ids, "two"), failing)).toCompletableFuture().join();

        assertThat(outcome.status()).isEqualTo(Admission.Status.FAILED);
        assertThat(outcome.messageIds()).isEmpty();
        assertThat(connector.queued()).isZero();
        assertThat(events(ids.get(0))).containsExactly(EventType.ACCEPTED, EventType.REJECTED);
        assertThat(events(ids.get(1))).containsExactly(EventType.ACCEPTED, EventType.REJECTED);
        int[] pending = {0};
        privacy.forEachPending(d -> "sim", (submission, accepted) -> pending[0]++, unreadable -> pending[0]++);
        assertThat(pending[0]).as("withdrawn segments are not re-queued at the next start").isZero();
    }

    @Test
    void aDestinationNoRouteCoversIsRefusedBeforeAnythingIsWritten() {
        Admission.Outcome outcome = admission.admit(Msisdn.parse("+4690000001"), ingress(), T0,
                List.of(segment("one"))).toCompletableFuture().join();

        assertThat(outcome.status()).isEqualTo(Admission.Status.NO_ROUTE);
        assertThat(metadata.query(TrafficQuery.byMsisdn("+4690000001", TrafficQuery.Role.EITHER, T0,
                T0.plusSeconds(1))).records()).isEmpty();
    }

    private Function<String, OutboundMessage> recording(List<String> ids, String text) {
        return id -> {
            ids.add(id);
            return segment(text).apply(id);
        };
    }

    private static Function<String, OutboundMessage> segment(String text) {
        return id -> OutboundMessage.builder(id, "acme").source(new SmppAddress((byte) 5, (byte) 0, "Ebb"))
                .destination(SmppAddress.international("+4790000001"))
                .shortMessage(text.getBytes(StandardCharsets.US_ASCII)).expiry(T0.plus(Duration.ofHours(1))).build();
    }

    private static Submission.Ingress ingress() {
        return new Submission.Ingress(Channel.HTTP, null, "127.0.0.1");
    }

    private List<EventType> events(String id) {
        return metadata.query(TrafficQuery.byMessageId(id, T0, T0.plusSeconds(1))).records().stream()
                .map(StoredRecord::record).map(r -> r.eventType()).toList();
    }
}
