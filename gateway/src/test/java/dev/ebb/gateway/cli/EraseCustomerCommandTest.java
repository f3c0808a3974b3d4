package dev.ebb.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.gateway.config.PasswordHash;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.TestGateway;
import dev.ebb.metadata.EventType;
import dev.ebb.metadata.MetadataStore;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
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
        gateway.start(TestGateway.builder(data, smsc, false)
                .customer(c -> c.sendsms("kannel-app", PasswordHash.hash("s3cret-kannel"))).build());
        id = gateway.esme().submit("+4790000040", "MARKER-Er41z", StandardCharsets.ISO_8859_1, (byte) 0x03);
        HttpResponse<String> sendsms = gateway.http().send(HttpRequest.newBuilder(gateway.api("/cgi-bin/sendsms?"
                + "username=kannel-app&password=s3cret-kannel&from=Ebb&to=4790000041&text=hi&dlr-mask=1&dlr-url="
                + URLEncoder.encode("http://receipts.example.com/dlr?id=%I", StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(sendsms.statusCode()).isEqualTo(202);
        gateway.stop();
        assertThat(bucketFiles(data.resolve("kannel-dlrs"))).as("the dlr-url kept").isNotEmpty();
        Path config = dir.resolve("ebb.yaml");
        Files.writeString(config, "dataDir: " + data + "\n"
                + "routes: [{prefix: \"\", connector: sim}]\n"
                + "connectors: [{name: sim, port: " + smsc + ", systemId: ebb}]\n");

        int exit = new CommandLine(new EraseCustomerCommand()).execute("--config", config.toString(),
                "--customer", TestGateway.SYSTEM_ID);

        assertThat(exit).isZero();
        assertThat(bucketFiles(data.resolve("content"))).as("no content file of the erased customer is left").isEmpty();
        assertThat(bucketFiles(data.resolve("kannel-dlrs"))).as("nor a file of its dlr-urls").isEmpty();
        try (MetadataStore metadata = MetadataStore.open(data.resolve("metadata"),
                new dev.ebb.gateway.config.MetadataConfig(null, null, null).storeConfig(), Clock.systemUTC())) {
            assertThat(GatewayFixture.eventsOf(metadata, id)).containsExactly(EventType.ACCEPTED, EventType.CONTENT_ERASED);
        }
    }

    /** A vault's files but its marker. */
    private static List<Path> bucketFiles(Path vault) throws IOException {
        try (Stream<Path> files = Files.walk(vault)) {
            return files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().equals("VAULT")).toList();
        }
    }
}
