package dev.ebb.gateway.compliance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The disclosure request workflow kept in the audit log alone: what a restart reads back. */
class DisclosureRequestsTest {
    @TempDir
    Path dir;
    private ComplianceFixture f;

    @BeforeEach
    void setUp() {
        f = new ComplianceFixture(dir);
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    @Test
    void aRestartReadsEveryRequestAndItsStateBackFromTheAuditLog() {
        f.accepted("m1", "+4791000001", "+4790000001");
        f.clock.advance(Duration.ofSeconds(1));
        // Threshold 0: every request needs a second officer.
        DisclosureRequests before = f.service(100, 0).requests();
        DisclosureRequest approved = before.create(ComplianceFixture.officer(), selector("m1"));
        before.approve(as(ComplianceFixture.SECOND_OFFICER), approved.id());
        DisclosureRequest pending = before.create(ComplianceFixture.officer(), selector("m1"));
        DisclosureRequest cancelled = before.create(ComplianceFixture.officer(), selector("m1"));
        before.cancel(ComplianceFixture.officer(), cancelled.id());

        f.reopenAudit();
        DisclosureRequests after = f.service(100, 0).requests();

        DisclosureRequest a = after.get(ComplianceFixture.officer(), approved.id());
        assertThat(a.task().state()).isEqualTo(TaskState.AWAITING_DISCLOSURE);
        assertThat(a.authorisation().approvedBy()).isEqualTo("officer-2");
        assertThat(a.authorisation().reference()).isEqualTo("CASE-2025-17");
        assertThat(a.task().selector()).containsEntry("messageId", "m1").containsOnlyKeys("messageId");
        // The end asked for (2025-03-11) is in the future: the request covers what existed when it was opened.
        assertThat(a.authorisation().timespan().end()).isEqualTo(ComplianceFixture.T0.plusSeconds(1));
        assertThat(after.get(ComplianceFixture.officer(), pending.id()).task().state())
                .isEqualTo(TaskState.AWAITING_APPROVAL);
        assertThat(after.get(ComplianceFixture.officer(), cancelled.id()).task().state())
                .isEqualTo(TaskState.CANCELLED);

        Delivery d = after.deliver(ComplianceFixture.officer(), approved.id(), null);
        assertThat(d.payload().records()).hasSize(1);
        f.reopenAudit();
        assertThat(f.service(100, 0).requests().get(ComplianceFixture.officer(), approved.id()).task().state())
                .isEqualTo(TaskState.DISCLOSED);
    }

    @Test
    void everyTransitionIsAnAuditedActionCarryingTheNewState() {
        f.accepted("m1", "+4791000001", "+4790000001");
        f.clock.advance(Duration.ofSeconds(1));
        DisclosureRequests requests = f.service(100, 0).requests();
        long start = f.audit.size();

        DisclosureRequest r = requests.create(ComplianceFixture.officer(), selector("m1"));
        ComplianceRefusal self = catchThrowableOfType(ComplianceRefusal.class,
                () -> requests.approve(ComplianceFixture.officer(), r.id()));
        requests.approve(as(ComplianceFixture.SECOND_OFFICER), r.id());

        assertThat(self.kind()).isEqualTo(ComplianceRefusal.Kind.FORBIDDEN);
        List<AuditEntry> entries = f.audit.read(start, 100);
        assertThat(entries).extracting(e -> e.event().action() + " " + e.event().outcome()).containsExactly(
                "REQUEST_CREATE ACCEPTED", "REQUEST_CREATE COMPLETED", "REQUEST_APPROVE REFUSED",
                "REQUEST_APPROVE ACCEPTED", "REQUEST_APPROVE COMPLETED");
        assertThat(entries.get(1).event().result()).containsEntry("state", "AwaitingApproval")
                .containsEntry("expectedRecords", "1");
        assertThat(entries.get(4).event().result()).containsEntry("state", "AwaitingDisclosure");
        // Decisions are filed under the request's case, whatever headers the approver sent.
        assertThat(entries.get(3).event().caseReference()).isEqualTo("CASE-2025-17");
    }

    private static QueryParameters selector(String messageId) {
        return new QueryParameters(null, null, messageId, null, "2025-03-10", "2025-03-11", null, null);
    }

    private static RequestContext as(String token) {
        return new RequestContext(token, null, null, "127.0.0.1");
    }
}
