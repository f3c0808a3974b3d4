package dev.ebb.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.EsmeClient;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.Scrape;
import dev.ebb.gateway.testing.TestGateway;
import dev.ebb.metadata.TrafficQuery;
import dev.ebb.testing.MutableClock;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14: the privacy promise made visible on {@code /metrics}, scraped over HTTP from a running gateway: the age of
 * the oldest readable content (DESIGN.md invariant 2, at most 72 h) drops when its bucket's key is destroyed, on an
 * injected clock; the traffic data kept agrees with the store; the audit log's size and last verification.
 */
class PrivacyGaugesTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration RETENTION = Duration.ofHours(72);

    @RegisterExtension
    final GatewayFixture gateway = GatewayFixture.unstarted();

    @Test
    void theOldestContentAgeDropsWhenItsBucketExpires() throws Exception {
        // 30 s into an hour bucket (content buckets are an hour wide by default).
        Instant firstBucket = Instant.now().truncatedTo(ChronoUnit.HOURS);
        MutableClock clock = new MutableClock(firstBucket.plusSeconds(30));
        gateway.start(TestGateway.config(gateway.dataDir(), TestGateway.freePort(), true), clock);
        EsmeClient esme = gateway.esme();
        delivered(esme, "+4790000301");
        clock.advance(Duration.ofHours(2));
        delivered(esme, "+4790000302");

        Scrape twoBuckets = scrape();
        assertThat(twoBuckets.value("ebb_content_oldest_age_seconds")).isEqualTo(2 * 3600 + 30);
        assertThat(twoBuckets.value("ebb_content_buckets")).isEqualTo(2);
        assertThat(twoBuckets.value("ebb_content_bytes")).isPositive();
        assertThat(twoBuckets.value("ebb_content_messages")).as("content of delivered messages is stripped").isZero();
        assertThat(twoBuckets.value("ebb_content_keys_destroyed_total")).isZero();

        clock.set(firstBucket.plus(RETENTION).minusSeconds(1));
        assertThat(scrape().value("ebb_content_oldest_age_seconds")).as("just under 72 h, not yet expired")
                .isEqualTo(RETENTION.toSeconds() - 1);

        clock.set(firstBucket.plus(RETENTION).plusSeconds(1));
        // The gateway's expiry schedule (every 10 s) destroys the first bucket's key.
        Await.until("the first bucket's key destroyed", WAIT,
                () -> scrape().value("ebb_content_keys_destroyed_total") == 1);
        Scrape expired = scrape();
        assertThat(expired.value("ebb_content_oldest_age_seconds")).as("the second bucket's age: 70 h and a second")
                .isEqualTo(RETENTION.minusHours(2).toSeconds() + 1);
        assertThat(expired.value("ebb_content_buckets")).isEqualTo(1);
    }

    @Test
    void theTrafficDataKeptIsWhatTheStoreHolds() throws Exception {
        gateway.start(TestGateway.config(gateway.dataDir(), TestGateway.freePort(), true));
        EsmeClient esme = gateway.esme();
        for (int i = 0; i < 3; i++) {
            delivered(esme, "+479000031" + i);
        }
        Instant now = Instant.now();
        // The receipt forwarded is recorded once the customer answered its deliver_sm: wait for the count to settle.
        Await.until("the records counted", WAIT, () -> scrape().value("ebb_metadata_records") == gateway.metadata()
                .query(TrafficQuery.byCustomer(TestGateway.SYSTEM_ID, now.minusSeconds(3600), now.plusSeconds(3600))
                        .withLimit(1000)).records().size());
        Scrape kept = scrape();
        assertThat(kept.value("ebb_metadata_records")).isGreaterThanOrEqualTo(3 * 3); // accepted, submitted, delivered
        assertThat(kept.value("ebb_metadata_days")).isEqualTo(1);
        assertThat(kept.value("ebb_metadata_bytes")).isPositive();
        assertThat(kept.value("ebb_metadata_days_pruned_total")).isZero();
        assertThat(kept.value("ebb_metadata_oldest_record_age_seconds")).isLessThan(3600);
    }

    @Test
    void theAuditLogShowsItsSizeAndWhetherItsLastVerificationPassed() throws Exception {
        gateway.start(TestGateway.config(gateway.dataDir(), TestGateway.freePort(), true));
        Scrape opened = scrape();
        assertThat(opened.value("ebb_compliance_audit_verified")).as("verified at open").isEqualTo(1);
        assertThat(opened.value("ebb_compliance_audit_bytes")).isZero();

        assertThat(verifyAudit()).isEqualTo(200);
        Path log = gateway.dataDir().resolve("audit").resolve("audit.log");
        Scrape verified = scrape();
        assertThat(verified.value("ebb_compliance_audit_verified")).isEqualTo(1);
        assertThat(verified.value("ebb_compliance_audit_bytes")).isEqualTo(Files.size(log)).isPositive();

        byte[] bytes = Files.readAllBytes(log);
        int at = new String(bytes, StandardCharsets.ISO_8859_1).indexOf("VERIFY_AUDIT");
        bytes[at] = 'X';
        Files.write(log, bytes);
        assertThat(verifyAudit()).isEqualTo(200);
        assertThat(scrape().value("ebb_compliance_audit_verified")).as("a changed entry breaks the chain").isZero();
    }

    private static void delivered(EsmeClient esme, String to) throws Exception {
        String id = esme.submit(to, "MARKER-Pg14k", StandardCharsets.ISO_8859_1, (byte) 0x03);
        Await.until("the receipt of " + id, WAIT, () -> esme.receiptFor(id) != null);
    }

    private int verifyAudit() throws Exception {
        return gateway.http().send(HttpRequest.newBuilder(gateway.compliance("/v1/audit/verify"))
                .header("Authorization", "Bearer " + TestGateway.AUDITOR_TOKEN).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private Scrape scrape() {
        try {
            return Scrape.of(gateway.metrics());
        } catch (Exception e) {
            throw new IllegalStateException("GET /metrics failed", e);
        }
    }
}
