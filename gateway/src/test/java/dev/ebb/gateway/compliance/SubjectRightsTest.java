package dev.ebb.gateway.compliance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restrictions and objections are kept in the audit log alone: a restart reads them back. */
class SubjectRightsTest {
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
    void aRecordedRestrictionIsListedAfterARestart() {
        RequestContext instruction = new RequestContext(ComplianceFixture.OFFICER, "DSR-7", "GDPR Art. 18", "cli");
        SubjectRights.Restriction r = f.service(100).subjects().restrict(instruction, "demo", "+47 900 00 001",
                "Restriction");

        f.reopenAudit();
        var listed = f.service(100).subjects().restrictions(instruction, "demo", "+4790000001");

        assertThat(listed).containsExactly(r);
        assertThat(r.msisdn()).isEqualTo("+4790000001");
        assertThat(r.kind()).isEqualTo("restriction");
        assertThat(r.instruction()).isEqualTo("DSR-7");
        assertThat(f.service(100).subjects().restrictions(instruction, "other", null)).isEmpty();
    }
}
