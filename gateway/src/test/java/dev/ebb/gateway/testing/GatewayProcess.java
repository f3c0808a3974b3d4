package dev.ebb.gateway.testing;

import dev.ebb.gateway.Main;
import dev.ebb.gateway.config.PasswordHash;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A gateway in a process of its own, on a config file, for tests that kill it with SIGKILL. */
public final class GatewayProcess {
    private GatewayProcess() {
    }

    /**
     * Starts {@code ebb --config config} with this JVM's Chronicle flags and class path, its output to {@code log}, and
     * waits until it listens on {@code port}.
     */
    public static Process start(Path config, Path log, int port) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-") || a.startsWith("-Dchronicle")).toList());
        // The client compiler only, and the serial collector: a process that lives seconds starts in about half the
        // time on a busy 2-core machine (JIT threads compete with the test for the cores).
        command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "--config", config.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        try {
            Await.until("the gateway process listens on " + port, Duration.ofSeconds(60),
                    () -> !process.isAlive() || listening(port));
        } catch (AssertionError | RuntimeException e) {
            process.destroyForcibly();
            throw e;
        }
        if (!process.isAlive()) {
            throw new IllegalStateException("the gateway process exited with " + process.exitValue() + "; see " + log);
        }
        return process;
    }

    /**
     * Writes {@code config}: a gateway on {@code data} with customer {@link TestGateway#SYSTEM_ID} on SMPP port
     * {@code smppPort}, every other listener on a free port, every destination routed to connector {@code sim} on
     * {@code smscPort}, and the top-level settings in {@code more} (a {@code keys:} or {@code simulator:} line).
     */
    public static Path writeConfig(Path config, Path data, int smppPort, int smscPort, String... more)
            throws IOException {
        List<String> lines = new ArrayList<>(List.of(
                "dataDir: " + data,
                "smpp: {port: " + smppPort + "}",
                "http: {port: 0}",
                "compliance: {port: 0}",
                "metrics: {port: 0}",
                "customers:",
                "  - id: " + TestGateway.SYSTEM_ID,
                "    smpp: {systemId: " + TestGateway.SYSTEM_ID + ", passwordHash: \""
                        + PasswordHash.hash(TestGateway.PASSWORD) + "\"}",
                "routes: [{prefix: \"\", connector: sim}]",
                "connectors: [{name: sim, port: " + smscPort + ", systemId: ebb, password: ebb}]"));
        lines.addAll(Arrays.asList(more));
        lines.add("");
        Files.writeString(config, String.join("\n", lines));
        return config;
    }

    /** SIGKILL: no shutdown hook, no flush, no unbind. */
    public static void kill(Process process) throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
