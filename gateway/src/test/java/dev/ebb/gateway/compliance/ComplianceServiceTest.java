package dev.ebb.gateway.compliance;

import static dev.ebb.gateway.compliance.ComplianceFixture.byMsisdn;
import static dev.ebb.gateway.compliance.ComplianceFixture.officer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ebb.metadata.EventType;
import dev.ebb.metadata.StoredRecord;
import dev.ebb.metadata.TrafficRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComplianceServiceTest {
    @TempDir
    Path dir;
    private ComplianceFixture f;
    private ComplianceService service;

    @BeforeEach
    void setUp() {
        f = new ComplianceFixture(dir);
        service = f.service(100);
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    @Test
    void aQueryIsAuditedBeforeItRunsAndAgainWithTheCount() {
        TrafficRecord a = f.accepted("m1", "+4791000001", "+4790000001");
        f.clock.advance(Duration.ofSeconds(1));
        TrafficRecord b = f.next(a, EventType.DELIVERED);
        f.accepted("m2", "+4791000001", "+4790000002");

        Disclosure d = service.query(officer(), byMsisdn("+4790000001", "2025-03-10", "2025-03-11"));

        assertThat(d.records()).extracting(StoredRecord::record).containsExactly(a, b);
        List<AuditEntry> entries = f.audit.read(0, 10);
        assertThat(entries).containsExactly(d.accepted(), d.completed());
        assertThat(d.accepted().event().outcome()).isEqualTo(Outcome.ACCEPTED);
        assertThat(d.accepted().event().caseReference()).isEqualTo("CASE-2025-17");
        assertThat(d.accepted().event().criteria()).containsEntry("msisdn", "+4790000001");
        assertThat(d.completed().event().recordsDisclosed()).isEqualTo(2L);
    }

    @Test
    void aRefusedQueryLeavesOneAuditEntryWithTheReason() {
        RequestContext noCase = new RequestContext(ComplianceFixture.OFFICER, null, "Ekomloven § 2-8b", "127.0.0.1");

        ComplianceRefusal r = catchThrowableOfType(ComplianceRefusal.class,
                () -> service.query(noCase, byMsisdn("+4790000001", "2025-03-10", "2025-03-11")));

        assertThat(r.kind()).isEqualTo(ComplianceRefusal.Kind.INVALID);
        assertThat(r.field()).isEqualTo("caseReference");
        assertThat(f.audit.read(0, 10)).singleElement().satisfies(e -> {
            assertThat(e.event().outcome()).isEqualTo(Outcome.REFUSED);
            assertThat(e.event().tokenId()).isEqualTo("officer-1");
            assertThat(e.event().reason()).contains("caseReference");
        });
    }

    @Test
    void aWindowStartingBeforeRetentionIsRefusedNamingFrom() {
        ComplianceRefusal r = catchThrowableOfType(ComplianceRefusal.class,
                () -> service.query(officer(), byMsisdn("+4790000001", "2024-03-01", "2024-04-01")));

        assertThat(r.field()).isEqualTo("from");
        assertThat(r.getMessage()).contains("retention");
    }

    @Test
    void aQueryThatFailsInTheStoreIsAuditedAsFailedAndDisclosesNothing() {
        f.store.close();

        ComplianceRefusal r = catchThrowableOfType(ComplianceRefusal.class,
                () -> service.query(officer(), byMsisdn("+4790000001", "2025-03-10", "2025-03-11")));

        assertThat(r.kind()).isEqualTo(ComplianceRefusal.Kind.FAILED);
        assertThat(f.audit.read(0, 10)).extracting(e -> e.event().outcome())
                .containsExactly(Outcome.ACCEPTED, Outcome.FAILED);
    }

    @Test
    void nothingRunsWhenTheAuditLogCannotBeWritten() {
        f.accepted("m1", "+4791000001", "+4790000001");
        f.audit.close();

        ComplianceRefusal r = catchThrowableOfType(ComplianceRefusal.class,
                () -> service.query(officer(), byMsisdn("+4790000001", "2025-03-10", "2025-03-11")));

        assertThat(r.kind()).isEqualTo(ComplianceRefusal.Kind.FAILED);
        assertThat(r.getMessage()).contains("audit log");
    }

    @Test
    void anAdminMayVerifyButNotReadTheAuditTrail() {
        RequestContext admin = new RequestContext(ComplianceFixture.ADMIN, null, null, "127.0.0.1");

        assertThat(service.verifyAudit(admin).ok()).isTrue();
        ComplianceRefusal r = catchThrowableOfType(ComplianceRefusal.class,
                () -> service.readAudit(admin, AuditQuery.everything()));

        assertThat(r.kind()).isEqualTo(ComplianceRefusal.Kind.FORBIDDEN);
    }
}
