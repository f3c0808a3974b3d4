package dev.ebb.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.gateway.compliance.AuditLog;
import dev.ebb.gateway.compliance.TokenTable;
import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.EsmeClient;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.TestGateway;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ebb compliance query} on a stopped gateway's data: same answers and same audit as the API. */
class ComplianceQueryCommandTest {
    @TempDir
    Path dir;
    @RegisterExtension
    final GatewayFixture gateway = GatewayFixture.unstarted();
    private Path config;
    private String messageId;

    @BeforeEach
    void aGatewayCarriedOneMessageAndStopped() throws Exception {
        Path data = gateway.dataDir();
        gateway.start(TestGateway.config(data, TestGateway.freePort(), true));
        EsmeClient esme = gateway.esme();
        messageId = esme.submit("+4790000060", "MARKER-Cl90q", StandardCharsets.ISO_8859_1, (byte) 0x03);
        Await.until("the receipt", Duration.ofSeconds(20), () -> esme.receiptFor(messageId) != null);
        gateway.stop();
        config = dir.resolve("ebb.yaml");
        Files.writeString(config, "dataDir: " + data + "\n"
                + "compliance:\n  tokens:\n    - {id: officer, role: compliance-officer, sha256: "
                + TokenTable.hashOf(TestGateway.OFFICER_TOKEN) + "}\n");
    }

    @Test
    void anOfficerGetsTheRecordsAsJsonLinesAndTheQueryIsAudited() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = run(out, "--token", TestGateway.OFFICER_TOKEN, "--case", "2026-200", "--basis", "court order",
                "--msisdn", "+4790000060");

        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(exit).isZero();
        assertThat(lines).hasSizeGreaterThanOrEqualTo(3).allSatisfy(l -> assertThat(l).contains(messageId)
                .contains("\"destination\":\"+4790000060\"").doesNotContain("MARKER-Cl90q"));
        try (AuditLog audit = AuditLog.open(gateway.dataDir().resolve("audit/audit.log"), Clock.systemUTC())) {
            assertThat(audit.read(0, 10)).extracting(e -> e.event().outcome() + "/" + e.event().clientAddress())
                    .containsExactly("ACCEPTED/cli", "COMPLETED/cli");
        }
    }

    @Test
    void aCustomersPasswordIsNoTokenAndTheRefusalIsAudited() throws Exception {
        int exit = run(new ByteArrayOutputStream(), "--token", TestGateway.PASSWORD, "--case", "2026-200", "--basis", "x",
                "--msisdn", "+4790000060");

        assertThat(exit).isEqualTo(3);
        try (AuditLog audit = AuditLog.open(gateway.dataDir().resolve("audit/audit.log"), Clock.systemUTC())) {
            assertThat(audit.read(0, 10)).extracting(e -> e.event().outcome().name()).containsExactly("REFUSED");
        }
    }

    private int run(ByteArrayOutputStream out, String... args) {
        PrintStream original = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            String[] all = new String[args.length + 2];
            all[0] = "--config";
            all[1] = config.toString();
            System.arraycopy(args, 0, all, 2, args.length);
            return new CommandLine(new ComplianceQueryCommand()).execute(all);
        } finally {
            System.setOut(original);
        }
    }
}
