package dev.ebb.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.gateway.config.StorageConfig;
import dev.ebb.gateway.privacy.FreeSpace;
import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.EsmeClient;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.TestGateway;
import dev.ebb.metadata.EventType;
import dev.ebb.metadata.TrafficQuery;
import dev.ebb.testing.SmallDisk;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.jsmpp.extra.NegativeResponseException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9 item 6: a store short of disk space refuses new submits before the disk is full, says why on /ready and in
 * the metrics, and admits them again when space is back, without a restart. Real SMPP (jSMPP) and HTTP clients; the
 * free-space figures are the test's, so the guard is exercised on any machine, and once more on a real small tmpfs
 * where one can be mounted.
 */
class StorageGuardTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final long GIB = 1L << 30;
    private static final int ESME_RMSGQFUL = 0x14;

    @TempDir
    Path dir;
    @RegisterExtension
    final GatewayFixture gateway = GatewayFixture.unstarted();
    private EsmeClient esme;
    private Path mount;

    @AfterEach
    void unmount() throws Exception {
        // Before the fixture's own teardown: a mount is released only once the gateway has closed its files on it.
        gateway.stop();
        if (mount != null) {
            SmallDisk.unmount(mount);
        }
    }

    @Test
    void aStoreBelowItsFloorRefusesSubmitsUntilSpaceIsBack() throws Exception {
        AtomicLong free = new AtomicLong(50 * GIB);
        FreeSpace disk = d -> new FreeSpace.Space(free.get(), 100 * GIB);
        gateway.start(TestGateway.config(gateway.dataDir(), TestGateway.freePort(), true)
                .withStorage(new StorageConfig(GIB, 5.0, Duration.ofMillis(20))), disk);
        esme = gateway.esme();
        String before = esme.submit("+4790000001", "before", StandardCharsets.ISO_8859_1, (byte) 0x03);
        // /ready also waits for the connector's bind, which may come a moment after the first submit.
        Await.until("/ready with room on every store", WAIT, () -> get("/ready").statusCode() == 200);

        free.set(GIB - 1);
        Await.until("/ready says the stores are short of space", WAIT, () -> get("/ready").statusCode() == 503);

        assertThat(get("/ready").body()).contains("NOT READY").contains("metadata store has 1023 MiB free, its floor "
                + "is 1024 MiB");
        assertThat(smppStatus("refused over SMPP")).isEqualTo(ESME_RMSGQFUL);
        HttpResponse<String> post = post("refused over HTTP");
        assertThat(post.statusCode()).isEqualTo(503);
        assertThat(post.headers().firstValue("Retry-After")).contains("30");
        assertThat(post.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("application/problem+json"));
        assertThat(post.body()).contains("storage-full").doesNotContain("refused over HTTP");
        assertThat(gateway.metrics()).contains("ebb_store_writable{store=\"metadata\"} 0.0")
                .contains("ebb_store_writable{store=\"content\"} 0.0")
                .contains("ebb_store_free_bytes{store=\"metadata\"} " + (double) (GIB - 1))
                .contains("ebb_store_floor_bytes{store=\"metadata\"} " + (double) GIB);

        free.set(2 * GIB);
        Await.until("/ready once space is back", WAIT, () -> get("/ready").statusCode() == 200);

        String after = esme.submit("+4790000001", "after", StandardCharsets.ISO_8859_1, (byte) 0x03);
        assertThat(post("accepted over HTTP").statusCode()).isEqualTo(202);
        assertThat(gateway.metrics()).contains("ebb_store_writable{store=\"metadata\"} 1.0");
        Await.until("receipts of the messages before and after", WAIT,
                () -> esme.receiptFor(before) != null && esme.receiptFor(after) != null);
        // Nothing refused left a trace: three accepted messages, three ACCEPTED records.
        Instant now = Instant.now();
        assertThat(gateway.metadata().query(TrafficQuery.byCustomer(TestGateway.SYSTEM_ID, now.minusSeconds(600),
                now.plusSeconds(60))).records()).filteredOn(r -> r.record().eventType() == EventType.ACCEPTED)
                .hasSize(3);
    }

    @Test
    void onARealSmallDiskSubmitsAreRefusedBeforeItFillsAndAdmittedWhenSpaceIsFreed() throws Exception {
        mount = SmallDisk.mount(dir.resolve("disk"), "48m").orElse(null);
        Assumptions.assumeTrue(mount != null, "cannot mount a 48 MiB tmpfs here (needs root): the real-disk variant is "
                + "skipped; aStoreBelowItsFloorRefusesSubmitsUntilSpaceIsBack covers the guard");
        // Floor: the smaller of 8 MiB and 50 % of 48 MiB.
        gateway.start(TestGateway.config(mount.resolve("data"), TestGateway.freePort(), true)
                .withStorage(new StorageConfig(8L << 20, 50.0, Duration.ofMillis(20))));
        esme = gateway.esme();
        esme.submit("+4790000001", "room enough", StandardCharsets.ISO_8859_1, (byte) 0x03);

        Path filler = mount.resolve("filler");
        long leave = 4L << 20;
        try (OutputStream out = Files.newOutputStream(filler)) {
            byte[] block = new byte[64 * 1024];
            while (Files.getFileStore(mount).getUsableSpace() > leave) {
                out.write(block);
            }
        }
        // Not ready for the content store's floor, not for any reason: /ready also waits for the SMSC bind.
        Await.until("/ready naming the content store on a disk with 4 MiB left", WAIT, () -> {
            HttpResponse<String> ready = get("/ready");
            return ready.statusCode() == 503 && ready.body().contains("\"content-store\":{\"ready\":false");
        });
        assertThat(smppStatus("no room")).isEqualTo(ESME_RMSGQFUL);
        assertThat(post("no room either").statusCode()).isEqualTo(503);

        Files.delete(filler);
        Await.until("/ready once the filler is gone", WAIT, () -> get("/ready").statusCode() == 200);
        String after = esme.submit("+4790000001", "room again", StandardCharsets.ISO_8859_1, (byte) 0x03);
        Await.until("the receipt of " + after, WAIT, () -> esme.receiptFor(after) != null);
    }

    private int smppStatus(String text) throws Exception {
        try {
            esme.submit("+4790000001", text, StandardCharsets.ISO_8859_1, (byte) 0x03);
            return 0;
        } catch (NegativeResponseException e) {
            return e.getCommandStatus();
        }
    }

    private HttpResponse<String> post(String text) throws IOException, InterruptedException {
        return gateway.http().send(HttpRequest.newBuilder(gateway.api("/v1/messages"))
                .header("Authorization", "Bearer " + TestGateway.API_KEY)
                .POST(HttpRequest.BodyPublishers.ofString("{\"to\":\"+4790000002\",\"from\":\"Acme\",\"text\":\""
                        + text + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) {
        try {
            return gateway.http().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.metricsPort() + path))
                    .build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
