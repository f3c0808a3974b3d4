package dev.ebb.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.TestGateway;
import dev.ebb.metadata.EventType;
import dev.ebb.metadata.MetadataStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A controller's erasure instruction, carried out with {@code ebb erase-customer} on a stopped gateway's data. */
class EraseCustomerCommandTest {
    @TempDir
    Path dir;
    @RegisterExtension
    final GatewayFixture gateway = GatewayFixture.unstarted();

    @Test
    void erasingACustomerMakesItsPendingContentUnrecoverableAndRecordsTheErasure() throws Exception {
        Path data = gateway.dataDir();
        int smsc = TestGateway.freePort();
        String id;
        // The SMSC is down, so the message is still pending (its content in the vault) when the gateway stops.
        gateway.start(TestGateway.config(data, smsc, false));
        id = gateway.esme().submit("+4790000040", "MARKER-Er41z", StandardCharsets.ISO_8859_1, (byte) 0x03);
        gateway.stop();
        Path config = dir.resolve("ebb.yaml");
        Files.writeString(config, "dataDir: " + data + "\n"
                + "routes: [{prefix: \"\", connector: sim}]\n"
                + "connectors: [{name: sim, port: " + smsc + ", systemId: ebb}]\n");

        int exit = new CommandLine(new EraseCustomerCommand()).execute("--config", config.toString(),
                "--customer", TestGateway.SYSTEM_ID);

        assertThat(exit).isZero();
        try (Stream<Path> files = Files.walk(data.resolve("content"))) {
            assertThat(files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().equals("VAULT")))
                    .as("no content file of the erased customer is left").isEmpty();
        }
        try (MetadataStore metadata = MetadataStore.open(data.resolve("metadata"),
                new dev.ebb.gateway.config.MetadataConfig(null, null, null).storeConfig(), Clock.systemUTC())) {
            assertThat(GatewayFixture.eventsOf(metadata, id)).containsExactly(EventType.ACCEPTED, EventType.CONTENT_ERASED);
        }
    }
}
