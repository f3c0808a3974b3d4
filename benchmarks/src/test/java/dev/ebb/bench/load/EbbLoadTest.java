package dev.ebb.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.gateway.Main;
import dev.ebb.gateway.config.ConfigLoader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both modes of {@code ebb-load}, briefly, against a gateway started in-process from {@code benchmarks/full-path.yaml}
 * (the embedded simulator as SMSC): every message is counted accepted and its receipt comes back — over deliver_sm,
 * or POSTed by the gateway to the generator's own receipt sink. Counts only: speed is measured by hand, never here.
 */
class EbbLoadTest {
    private static final int MESSAGES = 2_000;

    @TempDir
    Path dir;

    @Test
    void httpModeCountsEveryMessageAcceptedAndItsCallbackReceipt() throws Exception {
        int receiptPort = freePort();
        try (Main.Running gateway = startGateway(receiptPort)) {
            EbbLoad.Report report = EbbLoad.of("--mode", "http", "--port", Integer.toString(gateway.apiPort()),
                    "--connections", "4", "--messages", Integer.toString(MESSAGES),
                    "--receipt-port", Integer.toString(receiptPort)).printingTo(quiet()).run(url -> { });

            assertCounts(report);
        }
    }

    /** Issue 18: {@code --batch} POSTs many recipients at once; every one is counted as a message. */
    @Test
    void httpBatchModeCountsEveryRecipientAcceptedAndItsCallbackReceipt() throws Exception {
        int receiptPort = freePort();
        try (Main.Running gateway = startGateway(receiptPort)) {
            EbbLoad.Report report = EbbLoad.of("--mode", "http", "--port", Integer.toString(gateway.apiPort()),
                    "--connections", "2", "--batch", "150", "--messages", Integer.toString(MESSAGES),
                    "--receipt-port", Integer.toString(receiptPort)).printingTo(quiet()).run(url -> { });

            assertCounts(report);
        }
    }

    @Test
    void smppModeCountsEveryMessageAcceptedAndItsDeliverSmReceipt() throws Exception {
        try (Main.Running gateway = startGateway(freePort())) {
            EbbLoad.Report report = EbbLoad.of("--mode", "smpp", "--port", Integer.toString(gateway.smppPort()),
                    "--binds", "2", "--window", "32", "--messages", Integer.toString(MESSAGES))
                    .printingTo(quiet()).run(url -> { });

            assertCounts(report);
        }
    }

    private static void assertCounts(EbbLoad.Report report) {
        assertThat(report.refused()).isEmpty();
        assertThat(report.sent()).isEqualTo(MESSAGES);
        assertThat(report.accepted()).isEqualTo(MESSAGES);
        assertThat(report.receipts()).isEqualTo(MESSAGES);
        assertThat(report.acceptLatency().getTotalCount()).isEqualTo(MESSAGES);
        assertThat(report.receiptLatency().getTotalCount()).isEqualTo(MESSAGES);
    }

    /** The benchmark's own config, on free ports and a fresh data directory. */
    private Main.Running startGateway(int receiptPort) throws IOException, InterruptedException {
        int simulatorPort = freePort();
        String yaml = Files.readString(Path.of("full-path.yaml"))
                .replace("dataDir: data-bench-full", "dataDir: " + dir.resolve("data"))
                .replaceAll("port: (2775|8080|8081|9464)\\b", "port: 0")
                .replace("port: 2776", "port: " + simulatorPort)
                .replace("http://127.0.0.1:9000/receipts", "http://127.0.0.1:" + receiptPort + "/receipts");
        return Main.start(new ConfigLoader().read(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)),
                "full-path.yaml"), Clock.systemUTC());
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
