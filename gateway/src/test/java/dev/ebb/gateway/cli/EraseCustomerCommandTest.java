package dev.ebb.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.gateway.Main;
import dev.ebb.gateway.testing.EsmeClient;
import dev.ebb.gateway.testing.TestGateway;
import dev.ebb.metadata.EventType;
import dev.ebb.metadata.MetadataStore;
import dev.ebb.metadata.TrafficQuery;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A controller's erasure instruction, carried out with {@code ebb erase-customer} on a stopped gateway's data. */
class EraseCustomerCommandTest {
    @TempDir
    Path dir;

    @Test
    void erasingACustomerMakesItsPendingContentUnrecoverableAndRecordsTheErasure() throws Exception {
        Path data = dir.resolve("data");
        int smsc = TestGateway.freePort();
        String id;
        // The SMSC is down, so the message is still pending (its content in the vault) when the gateway stops.
        try (Main.Running gateway = Main.start(TestGateway.config(data, smsc, false), Clock.systemUTC());
             EsmeClient esme = new EsmeClient(gateway.smppPort(), TestGateway.SYSTEM_ID, TestGateway.PASSWORD)) {
            id = esme.submit("+4790000040", "MARKER-Er41z", StandardCharsets.ISO_8859_1, (byte) 0x03);
        }
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
            Instant now = Instant.now();
            List<EventType> events = metadata.query(TrafficQuery.byMessageId(id, now.minus(Duration.ofHours(1)),
                    now.plus(Duration.ofHours(1)))).records().stream().map(r -> r.record().eventType()).toList();
            assertThat(events).containsExactly(EventType.ACCEPTED, EventType.CONTENT_ERASED);
        }
    }
}
