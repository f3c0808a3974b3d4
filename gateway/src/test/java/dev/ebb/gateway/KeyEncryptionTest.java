package dev.ebb.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ebb.gateway.config.ConfigException;
import dev.ebb.gateway.config.EbbConfig;
import dev.ebb.gateway.config.HashedTokens;
import dev.ebb.gateway.config.KeysConfig;
import dev.ebb.gateway.config.PasswordHash;
import dev.ebb.gateway.privacy.KeyEncryptionKey;
import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.DiskSearch;
import dev.ebb.gateway.testing.EbbProcess;
import dev.ebb.gateway.testing.EsmeClient;
import dev.ebb.gateway.testing.GatewayFixture;
import dev.ebb.gateway.testing.Keks;
import dev.ebb.gateway.testing.LogCapture;
import dev.ebb.gateway.testing.TestGateway;
import dev.ebb.metadata.EventType;
import dev.ebb.metadata.KeyUnwrapException;
import dev.ebb.metadata.MetadataStore;
import dev.ebb.metadata.WrappedKeys;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, "keys that a copied data directory cannot use": with a key-encryption key (here a passphrase file outside
 * the data directory) every key in the data directory is wrapped, so a copy of the directory without the KEK reveals
 * no content and no number and opens nothing; a data directory from before is wrapped at the first start with a KEK.
 */
class KeyEncryptionTest {
    private static final String MARKER = "MARKER-issue13-the quick brown fox";
    private static final List<String> NUMBERS = List.of("+4790001301", "+4790001302", "+4790001303");

    @TempDir
    Path outside;
    @RegisterExtension
    final GatewayFixture gateway = GatewayFixture.unstarted();

    @Test
    void aDataDirectoryCopiedWithoutItsKekRevealsNoContentAndNoNumberAndOpensNothing() throws Exception {
        Path kek = Keks.passphraseFile(outside, "kek", "the passphrase of this gateway 0123");
        int smscPort = TestGateway.freePort();
        // The SMSC is down: the messages wait in the vault, content and all, when the directory is copied.
        gateway.start(TestGateway.config(gateway.dataDir(), smscPort, false).withKeys(Keks.required(kek)));
        EsmeClient esme = gateway.esme();
        List<String> ids = new ArrayList<>();
        for (String number : NUMBERS) {
            ids.add(esme.submit(number, MARKER + " for " + number, StandardCharsets.ISO_8859_1, (byte) 0x03));
        }
        gateway.stop();
        Path copy = copyOf(gateway.dataDir());

        assertThat(DiskSearch.filesContaining(copy, MARKER.getBytes(StandardCharsets.ISO_8859_1))).isEmpty();
        for (String number : NUMBERS) {
            assertThat(DiskSearch.filesContaining(copy, number.substring(1).getBytes(StandardCharsets.US_ASCII)))
                    .as(number).isEmpty();
        }
        assertEveryKeyIsWrapped(copy);
        EbbConfig onTheCopy = TestGateway.config(copy, TestGateway.freePort(), true);
        assertThatThrownBy(() -> Main.start(onTheCopy, Clock.systemUTC())).isInstanceOf(KeyUnwrapException.class)
                .hasMessageStartingWith("content key store " + copy.resolve("content-keys").toAbsolutePath() + ": ")
                .hasMessageContaining("none is configured");
        Path guess = Keks.passphraseFile(outside, "guess", "a passphrase somebody guessed 4567");
        assertThatThrownBy(() -> Main.start(onTheCopy.withKeys(Keks.required(guess)), Clock.systemUTC()))
                .isInstanceOf(KeyUnwrapException.class)
                .hasMessageStartingWith("content key store " + copy.resolve("content-keys").toAbsolutePath() + ": ")
                .hasMessageContaining("does not open under the key-encryption key");
        assertThatThrownBy(() -> MetadataStore.open(copy.resolve("metadata"), onTheCopy.metadata().storeConfig(),
                Clock.systemUTC())).isInstanceOf(KeyUnwrapException.class)
                .hasMessageStartingWith("metadata key store " + copy.resolve("metadata/keys").toAbsolutePath());

        // The original with its KEK delivers every message: the content was there, sealed.
        gateway.start(TestGateway.config(gateway.dataDir(), smscPort, true).withKeys(Keks.required(kek)));
        EsmeClient again = gateway.esme();
        Await.until("receipts of the messages accepted before the copy", Duration.ofSeconds(30),
                () -> ids.stream().allMatch(id -> again.receiptFor(id) != null));
    }

    @Test
    void aStartWithAnotherKekIsRefusedInOneLineNamingTheKeyStore() throws Exception {
        Path kek = Keks.passphraseFile(outside, "kek", "the passphrase of this gateway 0123");
        gateway.start(TestGateway.config(gateway.dataDir(), TestGateway.freePort(), true).withKeys(Keks.required(kek)));
        gateway.esme().submit("+4790001310", "wrapped", StandardCharsets.ISO_8859_1, (byte) 0x03);
        gateway.stop();
        Path config = outside.resolve("ebb.yaml");
        Files.writeString(config, String.join("\n",
                "dataDir: " + gateway.dataDir(),
                "smpp: {port: " + TestGateway.freePort() + "}",
                "http: {port: " + TestGateway.freePort() + "}",
                "compliance: {port: 0}",
                "metrics: {port: 0}",
                "keys: {require: true}",
                "customers:",
                "  - id: acme",
                "    smpp: {systemId: acme, passwordHash: \"" + PasswordHash.hash("acme1234") + "\"}",
                "    apiKeys: [{id: k, sha256: " + HashedTokens.hashOf(TestGateway.API_KEY) + "}]",
                ""));
        Path other = Keks.passphraseFile(outside, "other", "another gateway's passphrase 89ab");

        ProcessBuilder start = new ProcessBuilder(EbbProcess.command(config))
                .redirectOutput(outside.resolve("out.log").toFile()).redirectError(outside.resolve("err.log").toFile());
        start.environment().put(KeysConfig.KEK_FILE_ENV, other.toString());
        Process ebb = start.start();
        assertThat(ebb.waitFor(60, TimeUnit.SECONDS)).isTrue();

        List<String> err = Files.readAllLines(outside.resolve("err.log"));
        assertThat(ebb.exitValue()).isEqualTo(2);
        assertThat(err).singleElement().asString()
                .startsWith("ebb: content key store " + gateway.dataDir().resolve("content-keys").toAbsolutePath())
                .contains("does not open under the key-encryption key from file " + other.toRealPath());
        assertThat(Files.readString(outside.resolve("out.log"))).doesNotContain("\tat ");
    }

    @Test
    void aDataDirectoryWithItsKeysInClearIsWrappedAtTheFirstStartWithAKek() throws Exception {
        gateway.start(TestGateway.config(gateway.dataDir(), TestGateway.freePort(), true));
        EsmeClient esme = gateway.esme();
        String before = esme.submit("+4790001320", "before the KEK", StandardCharsets.ISO_8859_1, (byte) 0x03);
        Await.until("the receipt", Duration.ofSeconds(20), () -> esme.receiptFor(before) != null);
        gateway.stop();
        Map<String, byte[]> inClear = secretsInClear(gateway.dataDir());
        assertThat(inClear.keySet()).anyMatch(k -> k.startsWith("content key"))
                .anyMatch(k -> k.startsWith("day key")).contains("signing key", "delivery key", "delivery key base64");
        String deliveryPublicKey = Files.readAllLines(gateway.dataDir().resolve("compliance/delivery.key")).get(1);
        Path kek = Keks.passphraseFile(outside, "kek", "the passphrase of this gateway 0123");

        EbbConfig withKek = TestGateway.config(gateway.dataDir(), TestGateway.freePort(), true)
                .withKeys(Keks.required(kek));
        try (LogCapture log = new LogCapture("dev.ebb")) {
            gateway.start(withKek);
            assertThat(log.lines()).anyMatch(l -> l.contains("wrapped 1 bucket key(s) kept in clear"))
                    .anyMatch(l -> l.contains("wrapped 1 day key(s) kept in clear"))
                    .anyMatch(l -> l.contains("wrapped the signing key"))
                    .anyMatch(l -> l.contains("wrapped the delivery key"));
        }

        assertEveryKeyIsWrapped(gateway.dataDir());
        inClear.forEach((what, secret) -> assertThat(DiskSearch.filesContaining(gateway.dataDir(), secret))
                .as(what + " in clear").isEmpty());
        assertThat(gateway.eventsOf(before)).contains(EventType.DELIVERED);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        assertThat(gateway.metadata().verify(today.minusDays(1), today).ok()).isTrue();
        assertThat(Files.readAllLines(gateway.dataDir().resolve("compliance/delivery.key")).get(1))
                .isEqualTo(deliveryPublicKey);
        EsmeClient after = gateway.esme();
        String next = after.submit("+4790001321", "after the KEK", StandardCharsets.ISO_8859_1, (byte) 0x03);
        Await.until("the receipt", Duration.ofSeconds(20), () -> after.receiptFor(next) != null);
    }

    @Test
    void aGatewayStartedWithoutAKekWarnsWhatACopyOfItsDataRevealsAndRequireRefusesIt() throws Exception {
        EbbConfig inClear = TestGateway.config(gateway.dataDir(), TestGateway.freePort(), true);
        try (LogCapture log = new LogCapture(KeyEncryptionKey.class.getName())) {
            gateway.start(inClear);

            assertThat(log.lines()).singleElement().asString().contains("NO KEY-ENCRYPTION KEY")
                    .contains(gateway.dataDir().toAbsolutePath().toString())
                    .contains("reveals message content and numbers").contains("keys.require: true");
        }
        gateway.stop();
        assertThatThrownBy(() -> Main.start(inClear.withKeys(new KeysConfig(true, null, null)), Clock.systemUTC()))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("keys.require: ");
    }

    /** Content bucket keys (key file version 2), day keys, the signing key and the delivery key: all wrapped. */
    static void assertEveryKeyIsWrapped(Path data) throws Exception {
        List<Path> contentKeys = keyFiles(data.resolve("content-keys"));
        assertThat(contentKeys).isNotEmpty().allSatisfy(f -> assertThat(DiskSearch.read(f)[4]).as(f.toString())
                .isEqualTo((byte) 2));
        List<Path> metadataKeys = keyFiles(data.resolve("metadata/keys"));
        assertThat(metadataKeys).extracting(f -> f.getFileName().toString()).contains("signing.key")
                .anyMatch(n -> n.matches("\\d{4}-\\d{2}-\\d{2}\\.key"));
        assertThat(metadataKeys).allSatisfy(f -> assertThat(WrappedKeys.isWrapped(DiskSearch.read(f))).as(f.toString())
                .isTrue());
        String delivery = Files.readAllLines(data.resolve("compliance/delivery.key")).get(0);
        assertThat(WrappedKeys.isWrapped(Base64.getDecoder().decode(delivery))).as("delivery.key").isTrue();
    }

    /** Every secret of a data directory whose keys are in clear, by what it is. */
    private static Map<String, byte[]> secretsInClear(Path data) throws Exception {
        Map<String, byte[]> secrets = new LinkedHashMap<>();
        for (Path f : keyFiles(data.resolve("content-keys"))) {
            // Key file version 1: magic, version, state, bucket start, u16 customer length, customer, 32 key bytes.
            ByteBuffer in = ByteBuffer.wrap(DiskSearch.read(f));
            int customerLength = Short.toUnsignedInt(in.getShort(14));
            byte[] key = new byte[32];
            in.get(16 + customerLength, key);
            secrets.put("content key " + f.getFileName(), key);
        }
        for (Path f : keyFiles(data.resolve("metadata/keys"))) {
            String name = f.getFileName().toString();
            secrets.put(name.equals("signing.key") ? "signing key" : "day key " + name, DiskSearch.read(f));
        }
        String delivery = Files.readAllLines(data.resolve("compliance/delivery.key")).get(0);
        secrets.put("delivery key", Base64.getDecoder().decode(delivery));
        secrets.put("delivery key base64", delivery.getBytes(StandardCharsets.US_ASCII));
        return secrets;
    }

    private static List<Path> keyFiles(Path dir) {
        return DiskSearch.files(dir).stream().filter(f -> f.getFileName().toString().endsWith(".key")).toList();
    }

    private Path copyOf(Path data) throws Exception {
        Path copy = outside.resolve("copy");
        try (Stream<Path> walk = Files.walk(data)) {
            for (Path p : walk.toList()) {
                Files.copy(p, copy.resolve(data.relativize(p).toString()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        return copy;
    }
}
