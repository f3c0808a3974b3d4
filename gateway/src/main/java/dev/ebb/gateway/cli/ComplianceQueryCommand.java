package dev.ebb.gateway.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebb.gateway.compliance.AuditLog;
import dev.ebb.gateway.compliance.ComplianceRefusal;
import dev.ebb.gateway.compliance.ComplianceService;
import dev.ebb.gateway.compliance.ComplianceSettings;
import dev.ebb.gateway.compliance.DeliverySigner;
import dev.ebb.gateway.compliance.DisclosedRecord;
import dev.ebb.gateway.compliance.Disclosure;
import dev.ebb.gateway.compliance.Json;
import dev.ebb.gateway.compliance.QueryParameters;
import dev.ebb.gateway.compliance.RequestContext;
import dev.ebb.gateway.compliance.TokenTable;
import dev.ebb.gateway.config.ConfigLoader;
import dev.ebb.gateway.config.DataDirectory;
import dev.ebb.gateway.config.EbbConfig;
import dev.ebb.gateway.privacy.DataDirectoryLock;
import dev.ebb.gateway.privacy.KeyEncryptionKey;
import dev.ebb.metadata.KeyWrapper;
import dev.ebb.metadata.MetadataStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ebb compliance query}: the retention query of the compliance API, offline, against a STOPPED
 * gateway's data directory (Chronicle allows one writer). Same rules as the API: a configured token, a
 * case reference and a legal basis, an audit entry before the query runs and one with the count after.
 */
@Command(name = "query", mixinStandardHelpOptions = true,
        description = "Query retained traffic data offline (gateway stopped); audited like the API. Prints JSON lines.")
public final class ComplianceQueryCommand implements Callable<Integer> {
    @Option(names = "--config", defaultValue = "config/ebb.yaml") Path config;
    @Option(names = "--token", required = true, description = "a compliance-officer token from the config") String token;
    @Option(names = "--case", required = true, description = "case reference") String caseReference;
    @Option(names = "--basis", required = true, description = "legal basis") String legalBasis;
    @Option(names = "--msisdn") String msisdn;
    @Option(names = "--role", description = "source, destination or either (with --msisdn)") String role;
    @Option(names = "--message-id") String messageId;
    @Option(names = "--customer") String customer;
    @Option(names = "--from", description = "ISO-8601 instant or date (UTC); default: start of retention") String from;
    @Option(names = "--to", description = "ISO-8601 instant or date (UTC), exclusive; default: now") String to;
    @Option(names = "--limit") String limit;
    @Option(names = "--continuation") String continuation;

    @Override
    public Integer call() throws Exception {
        EbbConfig cfg = new ConfigLoader().load(config);
        Clock clock = Clock.systemUTC();
        DataDirectory data = cfg.data();
        KeyWrapper kek = KeyEncryptionKey.open(cfg.keys(), data, System.getenv()).orElse(null);
        try (DataDirectoryLock lock = DataDirectoryLock.acquire(data.root());
             MetadataStore store = MetadataStore.open(data.metadata(), cfg.metadata().storeConfig(), clock, kek);
             AuditLog audit = AuditLog.open(data.auditLog(), clock)) {
            ComplianceService service = new ComplianceService(store, audit, new TokenTable(cfg.compliance().tokens()),
                    ComplianceSettings.of(cfg), DeliverySigner.openOrCreate(data.deliveryKey(), kek), clock);
            Disclosure disclosure;
            try {
                disclosure = service.query(new RequestContext(token, caseReference, legalBasis, "cli"),
                        new QueryParameters(msisdn, role, messageId, customer, from, to, limit, continuation));
            } catch (ComplianceRefusal refusal) {
                System.err.println("refused (" + refusal.kind() + (refusal.field() == null ? "" : ", " + refusal.field())
                        + "): " + refusal.getMessage() + " [request " + refusal.requestId() + ", audited]");
                return 3;
            }
            ObjectMapper json = Json.mapper();
            for (var record : disclosure.records()) {
                System.out.println(json.writeValueAsString(DisclosedRecord.of(record)));
            }
            System.err.println(disclosure.records().size() + " records disclosed, request " + disclosure.requestId()
                    + disclosure.continuation().map(c -> "; more with --continuation " + c).orElse(""));
            return 0;
        }
    }

    /** {@code ebb compliance}: the compliance tools. */
    @Command(name = "compliance", mixinStandardHelpOptions = true, description = "Compliance tools (offline).",
            subcommands = ComplianceQueryCommand.class)
    public static final class Group {
    }
}
