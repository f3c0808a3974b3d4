package dev.ebb.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.gateway.config.PasswordHash;
import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.EsmeClient;
import dev.ebb.gateway.testing.TestGateway;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN.md invariant 4, literally: a gateway process is killed with SIGKILL right after acknowledging
 * messages, and a new one delivers every one of them.
 */
class KillNineTest {
    @TempDir
    Path dir;

    @Test
    void messagesAcknowledgedBeforeKillNineAreDeliveredAfterRestart() throws Exception {
        Path data = dir.resolve("data");
        int smppPort = TestGateway.freePort();
        int smscPort = TestGateway.freePort();
        Path config = dir.resolve("ebb.yaml");
        // The SMSC is down in the first life: acknowledged messages can only be waiting when the process dies.
        Files.writeString(config, String.join("\n",
                "dataDir: " + data,
                "smpp: {port: " + smppPort + "}",
                "compliance: {port: 0}",
                "metrics: {port: 0}",
                "customers:",
                "  - id: acme",
                "    smpp: {systemId: acme, passwordHash: \"" + PasswordHash.hash("acme1234") + "\"}",
                "routes: [{prefix: \"\", connector: sim}]",
                "connectors: [{name: sim, port: " + smscPort + ", systemId: ebb, password: ebb}]",
                ""));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-") || a.startsWith("-Dchronicle")).toList());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "--config", config.toString()));
        Process first = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("first.log").toFile()).start();
        List<String> ids = new ArrayList<>();
        try {
            Await.until("the first gateway listens", Duration.ofSeconds(60), () -> listening(smppPort));
            try (EsmeClient esme = new EsmeClient(smppPort, "acme", "acme1234")) {
                for (int i = 0; i < 25; i++) {
                    ids.add(esme.submit("+47900002" + (10 + i), "survives " + i, StandardCharsets.ISO_8859_1, (byte) 0x03));
                }
                first.destroyForcibly(); // SIGKILL: no shutdown hook, no flush, no unbind
                first.waitFor();
            }
        } finally {
            first.destroyForcibly();
        }

        try (Main.Running second = Main.start(TestGateway.config(data, smscPort, true), Clock.systemUTC());
             EsmeClient esme = new EsmeClient(second.smppPort(), TestGateway.SYSTEM_ID, TestGateway.PASSWORD)) {
            Await.until("receipts for all 25 messages acknowledged before the kill", Duration.ofSeconds(30),
                    () -> ids.stream().allMatch(id -> esme.receiptFor(id) != null));
        }
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
