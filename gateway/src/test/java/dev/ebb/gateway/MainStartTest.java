package dev.ebb.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ebb.gateway.config.EbbConfig;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.TestConfigs;
import dev.ebb.gateway.testing.TestGateway;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MainStartTest {
    @RegisterExtension
    final GatewayFixture gateway = GatewayFixture.unstarted();

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
}
