package dev.ebb.gateway.compliance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Officers acting on one request at the same moment: each transition is decided on the state the one before it
 * left, so nothing is approved twice and no delivered page is counted twice or lost.
 */
class DisclosureRequestsConcurrencyTest {
    private static final int THREADS = 4;

    @TempDir
    Path dir;
    private ComplianceFixture f;
    private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);

    @BeforeEach
    void setUp() {
        f = new ComplianceFixture(dir);
        f.accepted("m1", "+4791000001", "+4790000001");
        f.accepted("m2", "+4791000001", "+4790000001");
        f.accepted("m3", "+4791000001", "+4790000001");
        f.clock.advance(Duration.ofSeconds(1));
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        f.close();
    }

    @Test
    void approvalsAndARejectionRacingOnOneRequestDecideItOnce() throws Exception {
        // Threshold 0: every request waits for a second officer.
        DisclosureRequests requests = f.service(1, 0).requests();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(requests.create(ComplianceFixture.officer(), bySender()).id());
        }
        long start = f.audit.size();

        for (String id : ids) {
            List<Callable<DisclosureRequest>> calls = new ArrayList<>();
            for (int t = 0; t < THREADS - 1; t++) {
                calls.add(() -> requests.approve(as(ComplianceFixture.SECOND_OFFICER), id));
            }
            calls.add(() -> requests.reject(as(ComplianceFixture.SECOND_OFFICER), id));
            List<Object> outcomes = atOnce(calls);

            assertThat(outcomes.stream().filter(o -> o instanceof DisclosureRequest)).as(id).hasSize(1);
            assertThat(outcomes.stream().filter(o -> o instanceof ComplianceRefusal r
                    && r.kind() == ComplianceRefusal.Kind.CONFLICT)).as(id).hasSize(THREADS - 1);
            DisclosureRequest winner = (DisclosureRequest) outcomes.stream()
                    .filter(o -> o instanceof DisclosureRequest).findFirst().orElseThrow();
            assertThat(requests.get(ComplianceFixture.officer(), id).task().state())
                    .isEqualTo(winner.task().state());
        }
        List<AuditEntry> decisions = f.audit.read(start, 10_000).stream()
                .filter(e -> e.event().outcome() == Outcome.COMPLETED)
                .filter(e -> e.event().action() == Action.REQUEST_APPROVE
                        || e.event().action() == Action.REQUEST_REJECT).toList();
        assertThat(decisions).extracting(e -> e.event().criteria().get("request"))
                .containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void pagesFetchedAtOnceWithOneTokenAreDeliveredOnceEach() throws Exception {
        // A page of one record: the three records are three pages.
        DisclosureRequests requests = f.service(1, 1_000).requests();
        String id = requests.create(ComplianceFixture.officer(), bySender()).id();
        String token = null;
        for (int page = 1; page <= 3; page++) {
            String with = token;
            List<Callable<Delivery>> calls = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                calls.add(() -> requests.deliver(ComplianceFixture.officer(), id, with));
            }
            List<Object> outcomes = atOnce(calls);

            List<Delivery> delivered = outcomes.stream().filter(o -> o instanceof Delivery).map(o -> (Delivery) o)
                    .toList();
            // A page may be fetched again until the last one makes the request disclosed; after that it is 409.
            assertThat(delivered).hasSize(page < 3 ? THREADS : 1);
            assertThat(outcomes).filteredOn(o -> !(o instanceof Delivery)).allSatisfy(o -> assertThat(
                    ((ComplianceRefusal) o).kind()).isEqualTo(ComplianceRefusal.Kind.CONFLICT));
            int expected = page;
            assertThat(delivered).allSatisfy(d -> assertThat(d.header().page()).isEqualTo(expected));
            assertThat(requests.get(ComplianceFixture.officer(), id).task().pagesDelivered()).isEqualTo(page);
            token = delivered.get(0).header().continuation();
        }
        assertThat(token).isNull();
        assertThat(requests.get(ComplianceFixture.officer(), id).task().state()).isEqualTo(TaskState.DISCLOSED);

        // What the audit log says is what the table said: a restart reads back the same request.
        f.reopenAudit();
        DisclosureRequest replayed = f.service(1, 1_000).requests().get(ComplianceFixture.officer(), id);
        assertThat(replayed.task().pagesDelivered()).isEqualTo(3);
        assertThat(replayed.task().state()).isEqualTo(TaskState.DISCLOSED);
    }

    /** Runs the calls together; each one's result, or the exception it threw. */
    private <T> List<Object> atOnce(List<Callable<T>> calls) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Object>> futures = new ArrayList<>();
        for (Callable<T> call : calls) {
            futures.add(pool.submit(() -> {
                go.await();
                try {
                    return call.call();
                } catch (ComplianceRefusal r) {
                    return r;
                }
            }));
        }
        go.countDown();
        List<Object> out = new ArrayList<>();
        for (Future<Object> future : futures) {
            out.add(future.get(30, TimeUnit.SECONDS));
        }
        return out;
    }

    private static QueryParameters bySender() {
        return ComplianceFixture.byMsisdn("+4791000001", "2025-03-10", "2025-03-11");
    }

    private static RequestContext as(String token) {
        return new RequestContext(token, null, null, "127.0.0.1");
    }
}
