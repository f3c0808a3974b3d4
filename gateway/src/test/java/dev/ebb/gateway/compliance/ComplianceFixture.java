package dev.ebb.gateway.compliance;

import dev.ebb.gateway.config.ApiTokenConfig;
import dev.ebb.gateway.config.ComplianceConfig;
import dev.ebb.testing.MutableClock;
import dev.ebb.metadata.Channel;
import dev.ebb.metadata.EventType;
import dev.ebb.metadata.MetadataStore;
import dev.ebb.metadata.MetadataStoreConfig;
import dev.ebb.metadata.SourceAddress;
import dev.ebb.metadata.TrafficRecord;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.Period;
import java.util.List;

/** A real metadata store and audit log in a temp dir, the demo tokens, and a clock tests move by hand. */
final class ComplianceFixture implements AutoCloseable {
    static final String OFFICER = "demo-officer-token";
    static final String ADMIN = "test-admin-token";
    static final String SECOND_OFFICER = "second-officer-token";
    static final Instant T0 = Instant.parse("2025-03-10T09:00:00Z");

    final MutableClock clock = new MutableClock(T0);
    final MetadataStore store;
    AuditLog audit;
    final TokenTable tokens = new TokenTable(List.of(
            new ApiTokenConfig("officer-1", TokenTable.hashOf(OFFICER), "compliance-officer"),
            new ApiTokenConfig("officer-2", TokenTable.hashOf(SECOND_OFFICER), "compliance-officer"),
            new ApiTokenConfig("admin-1", TokenTable.hashOf(ADMIN), "admin")));
    final Path auditFile;
    private final Path dir;

    ComplianceFixture(Path dir) {
        this.dir = dir;
        store = MetadataStore.open(dir.resolve("metadata"), MetadataStoreConfig.defaults(), clock);
        auditFile = dir.resolve("audit/audit.log");
        audit = AuditLog.open(auditFile, clock);
    }

    ComplianceService service(int maxRecordsPerPage) {
        return service(maxRecordsPerPage, ComplianceConfig.DEFAULT_FOUR_EYES_THRESHOLD);
    }

    ComplianceService service(int maxRecordsPerPage, int fourEyesThreshold) {
        return new ComplianceService(store, audit, tokens, new ComplianceSettings(maxRecordsPerPage,
                Period.ofMonths(12), fourEyesThreshold, ComplianceConfig.DEFAULT_FOUR_EYES_WINDOW, "ebb-test"),
                DeliverySigner.inDataDir(dir), clock);
    }

    /** Appends an ACCEPTED record of {@code messageId} from a numeric sender to {@code destination}, at the clock. */
    TrafficRecord accepted(String messageId, String source, String destination) {
        TrafficRecord r = TrafficRecord.builder().eventType(EventType.ACCEPTED).eventTime(clock.instant())
                .messageId(messageId).customerId("demo").channel(Channel.SMPP).systemId("demo")
                .clientIp(loopback()).source(SourceAddress.international(source)).destination(destination)
                .route("simulator").build();
        store.append(r);
        return r;
    }

    /** Appends the next event of a message. */
    TrafficRecord next(TrafficRecord previous, EventType type) {
        TrafficRecord r = previous.toBuilder().eventType(type).eventTime(clock.instant()).build();
        store.append(r);
        return r;
    }

    static RequestContext officer() {
        return new RequestContext(OFFICER, "CASE-2025-17", "Ekomloven § 2-8b", "127.0.0.1");
    }

    static QueryParameters byMsisdn(String msisdn, String from, String to) {
        return new QueryParameters(msisdn, null, null, null, from, to, null, null);
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** Closes and reopens the audit log, as a restart of the gateway does. */
    void reopenAudit() {
        audit.close();
        audit = AuditLog.open(auditFile, clock);
    }

    @Override
    public void close() {
        audit.close();
        store.close();
    }
}
