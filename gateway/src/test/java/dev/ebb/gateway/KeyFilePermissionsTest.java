package dev.ebb.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.EsmeClient;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.TestGateway;
import java.io.IOException;
import java.lang.RuntimeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 9 item 9: content bucket keys, metadata day keys, the tree-head and delivery signing keys and the audit log
 * were created 0644. They are created 0600 in 0700 directories, and a key file others can read stops the start.
 */
class KeyFilePermissionsTest {
    @RegisterExtension
    final GatewayFixture gateway = GatewayFixture.unstarted();

    @Test
    void keysAndTheAuditLogAreTheOwnersOnly() throws Exception {
        runOnce();

        List<Path> secrets = Stream.of(filesUnder("content-keys"), filesUnder("metadata/keys"),
                List.of(gateway.dataDir().resolve("compliance/delivery.key"), gateway.dataDir().resolve("audit/audit.log"))).flatMap(List::stream).toList();
        assertThat(secrets).extracting(p -> p.getFileName().toString())
                .contains("KEYSTORE", "signing.key", "delivery.key", "audit.log")
                .anyMatch(name -> name.matches("-?[0-9]+\\.key")) // a content bucket key
                .anyMatch(name -> name.matches("\\d{4}-\\d{2}-\\d{2}\\.key")); // a metadata day key
        assertThat(secrets).allSatisfy(p -> assertThat(mode(p)).as(p.toString()).isEqualTo("rw-------"));
        Path data = gateway.dataDir();
        assertThat(List.of(data.resolve("content-keys"), data.resolve("metadata/keys"), data.resolve("compliance"),
                data.resolve("audit"), data.resolve("content")))
                .allSatisfy(dir -> assertThat(mode(dir)).as(dir.toString()).isEqualTo("rwx------"));
        assertThat(filesUnder("content")).isNotEmpty()
                .allSatisfy(p -> assertThat(mode(p)).as(p.toString()).isEqualTo("rw-------"));
    }

    @Test
    void aStartOnAContentKeyReadableByOthersIsRefusedWithTheFixInOneLine() throws Exception {
        runOnce();
        Path key = filesUnder("content-keys").stream().filter(p -> p.toString().endsWith(".key")).findFirst().orElseThrow();

        assertRefused(key);
    }

    @Test
    void aStartOnAMetadataKeyReadableByOthersIsRefused() throws Exception {
        runOnce();

        assertRefused(gateway.dataDir().resolve("metadata/keys/signing.key"));
        chmod(gateway.dataDir().resolve("metadata/keys/signing.key"), "rw-------");
        Path dayKey = filesUnder("metadata/keys").stream().filter(p -> p.getFileName().toString().matches("\\d{4}.*\\.key"))
                .findFirst().orElseThrow();
        assertRefused(dayKey);
    }

    @Test
    void aStartOnADeliveryKeyReadableByOthersIsRefused() throws Exception {
        runOnce();

        assertRefused(gateway.dataDir().resolve("compliance/delivery.key"));
    }

    private void assertRefused(Path key) throws Exception {
        chmod(key, "rw-r--r--");

        Throwable refusal = catchThrowable(() -> gateway.start(TestGateway.config(gateway.dataDir(),
                TestGateway.freePort(), true)));

        assertThat(refusal).isInstanceOf(RuntimeException.class);
        assertThat(refusal.getMessage()).contains(key.toString()).endsWith("chmod 600 " + key).doesNotContain("\n");
        chmod(key, "rw-------");
        gateway.start(TestGateway.config(gateway.dataDir(), TestGateway.freePort(), true));
        gateway.stop();
    }

    /** A start with one delivered message: every kind of key exists afterwards. */
    private void runOnce() throws Exception {
        gateway.start(TestGateway.config(gateway.dataDir(), TestGateway.freePort(), true));
        EsmeClient esme = gateway.esme();
        String id = esme.submit("+4790000401", "keys", StandardCharsets.ISO_8859_1, (byte) 0x03);
        Await.until("the receipt", Duration.ofSeconds(20), () -> esme.receiptFor(id) != null);
        gateway.stop();
    }

    private List<Path> filesUnder(String dir) throws IOException {
        try (Stream<Path> walk = Files.walk(gateway.dataDir().resolve(dir))) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }

    private static String mode(Path path) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void chmod(Path path, String mode) throws IOException {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
    }
}
