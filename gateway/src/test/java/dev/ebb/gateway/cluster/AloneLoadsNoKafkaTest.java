package dev.ebb.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.EbbProcess;
import dev.ebb.gateway.testing.GatewayProcess;
import dev.ebb.gateway.testing.TestGateway;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17: without a {@code cluster:} section Ebb runs exactly as before — a gateway process started and taking
 * binds has loaded no Kafka class at all (the JVM's own class-load log says so).
 */
class AloneLoadsNoKafkaTest {
    @TempDir
    Path dir;

    @Test
    void aGatewayWithoutAClusterSectionLoadsNoKafkaClass() throws Exception {
        int smppPort = TestGateway.freePort();
        Path config = GatewayProcess.writeConfig(dir.resolve("ebb.yaml"), dir.resolve("data"), smppPort,
                TestGateway.freePort(), "simulator: {enabled: true, port: " + TestGateway.freePort() + "}");
        Path loaded = dir.resolve("classes.log");
        List<String> command = new ArrayList<>(EbbProcess.command(config));
        command.add(1, "-Xlog:class+load=info:file=" + loaded);
        Process ebb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("ebb.log").toFile()).start();
        try {
            Await.until("the gateway listens", Duration.ofSeconds(60), () -> listening(smppPort));
        } finally {
            ebb.destroy();
            ebb.waitFor();
        }

        String classes = Files.readString(loaded);
        assertThat(classes).contains("dev.ebb.gateway.smpp.SmppServer").doesNotContain("org.apache.kafka")
                .doesNotContain("dev.ebb.gateway.cluster.");
    }

    private static boolean listening(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
