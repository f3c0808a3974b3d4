package dev.ebb.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ebb.gateway.config.EbbConfig;
import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.EsmeClient;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.GatewayProcess;
import dev.ebb.gateway.testing.TestConfigs;
import dev.ebb.gateway.testing.TestGateway;
import dev.ebb.metadata.EventType;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class MainStartTest {
    @RegisterExtension
    final GatewayFixture gateway = GatewayFixture.unstarted();
    @TempDir
    Path dir;

    @Test
    void aStartThatFailsHalfWayReleasesWhatItOpenedSoTheNextStartWorks() throws Exception {
        int simulatorPort = TestGateway.freePort();
        EbbConfig base = TestGateway.config(gateway.dataDir(), simulatorPort, true);
        try (ServerSocket taken = new ServerSocket(0)) {
            EbbConfig clash = TestGateway.builder(gateway.dataDir(), simulatorPort, true)
                    .smpp(TestConfigs.smppServer().port(taken.getLocalPort()).build()).build();

            assertThatThrownBy(() -> Main.start(clash, Clock.systemUTC())).isNotNull();
        }

        gateway.start(base);
        assertThat(gateway.esme().submit("+4790000050", "after a failed start", StandardCharsets.ISO_8859_1,
                (byte) 0x03)).isNotBlank();
    }

    @Test
    void aMetadataStoreThatCannotBeOpenedIsNamedWithWhatToDo() throws Exception {
        // Issue 9, hostile retest: the refusal read only "ebb: record is torn or not a version-1 record".
        Path data = gateway.dataDir();
        EbbConfig cfg = TestGateway.config(data, TestGateway.freePort(), true);
        gateway.start(cfg);
        gateway.stop();
        Files.writeString(data.resolve("metadata").resolve("FORMAT"), "ebb-metadata-store format 99\n");

        assertThatThrownBy(() -> Main.start(cfg, Clock.systemUTC()))
                .hasMessageStartingWith("metadata store " + data.resolve("metadata").toAbsolutePath() + " cannot be "
                        + "opened: ")
                .hasMessageContaining("format 99").hasMessageContaining("ebb verify");
    }

    @Test
    void aSecondGatewayOnADataDirectoryInUseIsRefusedAndSendsNoneOfTheFirstOnesMessages() throws Exception {
        // Hostile review of issue 13: a second start on the same data directory (other ports, its own simulator on
        // the first one's SMSC port) opened every store, re-queued the first gateway's pending message and delivered
        // it (two SUBMITTED, two DELIVERED, no SUBMIT_DUPLICATE), and stopped the first one's metadata store ("queue
        // out of step with the store ... another process writing").
        Path data = gateway.dataDir();
        int smppPort = TestGateway.freePort();
        int smscPort = TestGateway.freePort();
        Path config = GatewayProcess.writeConfig(dir.resolve("ebb.yaml"), data, smppPort, smscPort);
        Process first = GatewayProcess.start(config, dir.resolve("first.log"), smppPort);
        String id;
        boolean survived;
        try {
            try (EsmeClient esme = new EsmeClient(smppPort, TestGateway.SYSTEM_ID, TestGateway.PASSWORD)) {
                id = esme.submit("+4790000051", "its SMSC is down", StandardCharsets.ISO_8859_1, (byte) 0x03);
            }
            EbbConfig second = TestGateway.config(data, smscPort, true);
            assertThatThrownBy(() -> Main.start(second, Clock.systemUTC()))
                    .hasMessageContaining("data directory " + data.toAbsolutePath() + " is in use")
                    .hasMessageContaining("ebb.lock");
        } finally {
            survived = first.isAlive();
            GatewayProcess.kill(first);
        }
        assertThat(survived).as("the first gateway runs on").isTrue();

        // The lock went with the killed process: the next start takes the directory and delivers the message once.
        gateway.start(TestGateway.config(data, smscPort, true));
        // Within one process too (an embedding that starts twice).
        assertThatThrownBy(() -> Main.start(TestGateway.config(data, TestGateway.freePort(), false), Clock.systemUTC()))
                .hasMessageContaining("is in use");
        Await.until("the message delivered", Duration.ofSeconds(30),
                () -> gateway.eventsOf(id).contains(EventType.DELIVERED));
        assertThat(gateway.eventsOf(id)).containsOnlyOnce(EventType.ACCEPTED, EventType.SUBMITTED, EventType.DELIVERED)
                .doesNotContain(EventType.SUBMIT_DUPLICATE);
    }
}
