package dev.ebb.gateway.http.compliance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ebb.gateway.Main;
import dev.ebb.gateway.cli.WitnessCommand;
import dev.ebb.gateway.compliance.ExportVerifier;
import dev.ebb.gateway.compliance.Witnesses;
import dev.ebb.gateway.config.WitnessConfig;
import dev.ebb.metadata.EventType;
import dev.ebb.metadata.MetadataStore;
import dev.ebb.metadata.NoteVerifierKey;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Issue 15: an export package carries a C2SP tlog-proof per record against its day's checkpoint, cosigned by the
 * regulator's own witness (a real {@code ebb witness} on loopback), and {@code ebb audit verify-export} checks it with
 * nothing but the file and the witness's key: it verifies, and fails, naming the check, when any one byte changes.
 */
class VerifyExportTest extends ComplianceApiTestBase {
    private WitnessCommand.Running witness;

    @Override
    Witnesses witnesses(MetadataStore opened) throws Exception {
        if (witness == null) {
            witness = WitnessCommand.start(dir.resolve("regulator"), "regulator.example/w1",
                    List.of(opened.logKey()), "127.0.0.1", 0, clock);
        }
        return new Witnesses(opened, List.of(new WitnessConfig("http://127.0.0.1:" + witness.port(),
                witness.verifierKey().toString())), Duration.ofSeconds(5), clock);
    }

    @AfterEach
    void stopWitness() {
        witness.close();
    }

    @Test
    void anExportVerifiesOfflineWithTheWitnessKeyAloneAndFailsWhenAnyByteChanges() throws Exception {
        append("m-1", "+4790000001", "+4790000002", EventType.ACCEPTED);
        append("m-2", "+4790000003", "+4790000001", EventType.DELIVERED);
        append("m-3", "+4790000004", "+4790000005", EventType.ACCEPTED);
        // One record, so that flipping each byte in turn stays quick: two records repeat the same checks.
        Path file = export("+4790000005");
        byte[] bytes = Files.readAllBytes(file);
        List<NoteVerifierKey> witnessKey = List.of(witness.verifierKey());

        Run ok = verifyExport(file, witness.verifierKey().toString());
        assertThat(ok.exit()).as(ok.out()).isEqualTo(0);
        assertThat(ok.out()).contains("ok: tlog proofs: every record is in its day's checkpoint")
                .contains("OK: " + file + " verifies");

        List<Integer> unnoticed = new ArrayList<>();
        for (int i = 0; i < bytes.length; i++) {
            byte[] changed = bytes.clone();
            changed[i] ^= 1;
            if (ExportVerifier.verify(changed, witnessKey, null, null).ok()) {
                unnoticed.add(i);
            }
        }
        assertThat(unnoticed).as("positions whose change went unnoticed, first in: %s", unnoticed.isEmpty() ? ""
                : new String(bytes, Math.max(0, unnoticed.get(0) - 60), 90, StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void theFailedCheckIsNamed() throws Exception {
        append("m-1", "+4790000001", "+4790000002", EventType.ACCEPTED);
        String text = Files.readString(export("+4790000001"));
        String number = text.replace("+4790000002", "+4790000009");
        String index = text.replace("\\nindex 0\\n", "\\nindex 1\\n");
        WitnessCommand.Running other = WitnessCommand.start(dir.resolve("other"), "other.example/w",
                List.of(store.logKey()), "127.0.0.1", 0, clock);
        try {
            Path original = Files.writeString(dir.resolve("original.json"), text);
            assertThat(verifyExport(Files.writeString(dir.resolve("number.json"), number),
                    witness.verifierKey().toString()).out()).contains("FAILED: provider signature: the package was "
                    + "changed after it was signed");
            assertThat(verifyExport(Files.writeString(dir.resolve("index.json"), index),
                    witness.verifierKey().toString()).out()).contains("FAILED: record 0 (2025-03-10 #0): tlog proof: "
                    + "for index 1, not the record's 0");
            Run otherWitness = verifyExport(original, other.verifierKey().toString());
            assertThat(otherWitness.exit()).isEqualTo(1);
            assertThat(otherWitness.out()).contains("FAILED: record 0 (2025-03-10 #0): checkpoint: no valid "
                    + "cosignature of witness other.example/w");
        } finally {
            other.close();
        }
    }

    /**
     * Attack review: packages a hostile sender might craft. Each must fail a named check (or be refused as unreadable),
     * never end in a stack trace: a package naming a witness's cosignature key as its log key threw out of the
     * command ("does not make note signatures").
     */
    @Test
    void aCraftedPackageFailsANamedCheckAndNeverThrows() throws Exception {
        append("m-1", "+4790000001", "+4790000002", EventType.ACCEPTED);
        ObjectMapper json = new ObjectMapper();
        ObjectNode real = (ObjectNode) json.readTree(Files.readAllBytes(export("+4790000001")));
        ObjectNode witnessAsLog = real.deepCopy().put("logKey", witness.verifierKey().toString());
        ObjectNode hugeSequence = real.deepCopy();
        ((ObjectNode) hugeSequence.withArray("records").get(0)).put("sequence", new BigInteger("9".repeat(40)));
        ObjectNode recordDropped = real.deepCopy();
        recordDropped.withArray("records").remove(0);
        String deep = "{\"records\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";

        for (String crafted : List.of(json.writeValueAsString(witnessAsLog), json.writeValueAsString(hugeSequence),
                json.writeValueAsString(recordDropped), deep)) {
            Run run = verifyExport(Files.writeString(dir.resolve("crafted.json"), crafted),
                    witness.verifierKey().toString());
            assertThat(run.exit()).as(run.out()).isEqualTo(1);
            assertThat(run.out()).as(crafted.substring(0, 40)).contains("FAILED: ");
        }
    }

    private Path export(String msisdn) throws Exception {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri("/v1/cases/" + CASE + "/export?msisdn="
                        + URLEncoder.encode(msisdn, StandardCharsets.UTF_8) + WINDOW))
                .header("Authorization", "Bearer " + OFFICER).header("X-Case-Reference", CASE)
                .header("X-Legal-Basis", BASIS).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        return Files.write(dir.resolve("export.json"), r.body());
    }

    private record Run(int exit, String out) {
    }

    /** {@code ebb audit verify-export} as a user runs it: no data directory, no network. */
    private static Run verifyExport(Path file, String witnessKey) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream was = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int exit = new CommandLine(new Main()).execute("audit", "verify-export", file.toString(),
                    "--witness-key", witnessKey);
            return new Run(exit, out.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(was);
        }
    }
}
