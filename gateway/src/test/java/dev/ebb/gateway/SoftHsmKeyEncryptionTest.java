package dev.ebb.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ebb.gateway.config.DataDirectory;
import dev.ebb.gateway.config.KeysConfig;
import dev.ebb.gateway.config.Pkcs11Config;
import dev.ebb.gateway.privacy.KeyEncryptionKey;
import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.DiskSearch;
import dev.ebb.gateway.testing.EbbProcess;
import dev.ebb.gateway.testing.EsmeClient;
import dev.ebb.gateway.testing.GatewayProcess;
import dev.ebb.gateway.testing.Keks;
import dev.ebb.gateway.testing.TestGateway;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: the key-encryption key in a PKCS#11 token, Debian's SoftHSM2 standing in for an HSM. A token is made in
 * a temporary SoftHSM2 configuration, an AES key generated in it through SunPKCS11 ({@code keytool -genseckey}), and
 * Ebb runs as its own process (SoftHSM reads {@code SOFTHSM2_CONF} from the environment of the process that loads
 * it): a message accepted in the first life is delivered by the second, its keys wrapped by the token in between.
 */
class SoftHsmKeyEncryptionTest {
    private static final Path LIBRARY = Path.of("/usr/lib/softhsm/libsofthsm2.so");
    private static final Path UTIL = Path.of("/usr/bin/softhsm2-util");
    private static final String PIN = "246813";
    private static final String MARKER = "MARKER-softhsm-the quick brown fox";

    @TempDir
    Path dir;

    @BeforeEach
    void softHsmIsInstalled() {
        assumeTrue(Files.exists(LIBRARY) && Files.exists(UTIL), "SoftHsmKeyEncryptionTest needs Debian's package "
                + "softhsm2 (" + LIBRARY + " or " + UTIL + " is missing): apt-get install softhsm2 (.ci/run installs it)");
    }

    @Test
    void aKekInATokenWrapsEveryKeyAndOpensThemAgainAfterARestart() throws Exception {
        Path conf = softHsmConfig();
        String slot = tokenWithKey(conf);
        Path pinFile = Keks.passphraseFile(dir, "pin", PIN);
        Path data = dir.resolve("data");
        int smppPort = TestGateway.freePort();
        int smscPort = TestGateway.freePort();
        String keys = "keys: {require: true, pkcs11: {library: " + LIBRARY + ", slot: " + slot
                + ", keyLabel: ebb-kek, pinFile: " + pinFile + "}}";

        // First life: the SMSC is down, so the message waits in the vault under a bucket key the token wrapped.
        Process first = ebb(conf, config(data, smppPort, smscPort, keys, false), smppPort, "first");
        String id;
        try (EsmeClient esme = new EsmeClient(smppPort, "acme", "acme1234")) {
            id = esme.submit("+4790001330", MARKER, StandardCharsets.ISO_8859_1, (byte) 0x03);
        } finally {
            stop(first);
        }
        KeyEncryptionTest.assertEveryKeyIsWrapped(data);
        assertThat(DiskSearch.filesContaining(data, MARKER.getBytes(StandardCharsets.ISO_8859_1))).isEmpty();
        assertThat(DiskSearch.filesContaining(data, "4790001330".getBytes(StandardCharsets.US_ASCII))).isEmpty();

        // Second life: the token unwraps the keys, the content is read back and delivered, its receipt forwarded.
        Process second = ebb(conf, config(data, smppPort, smscPort, keys, true), smppPort, "second");
        try (EsmeClient esme = new EsmeClient(smppPort, "acme", "acme1234")) {
            Await.until("the receipt of the message accepted in the first life", Duration.ofSeconds(30),
                    () -> esme.receiptFor(id) != null);
        } finally {
            stop(second);
        }
    }

    /**
     * Issue 17: the cluster's record MAC key is derived through the transit key, here the token's AES key, which never
     * leaves the token. Two processes (two nodes with the same token key) derive the same 32 bytes.
     */
    @Test
    void aTokensKeyDerivesTheSameClusterKeyInEveryProcess() throws Exception {
        Path conf = softHsmConfig();
        String slot = tokenWithKey(conf);
        Path pinFile = Keks.passphraseFile(dir, "pin", PIN);
        List<String> derived = new ArrayList<>();
        for (int node = 0; node < 2; node++) {
            derived.add(run(conf, Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), TokenDerivation.class.getName(), LIBRARY.toString(), slot,
                    "ebb-kek", pinFile.toString(), dir.resolve("data-" + node).toString()).trim());
        }
        assertThat(derived.get(0)).as("64 hex digits").matches("[0-9a-f]{64}").isNotEqualTo("0".repeat(64));
        assertThat(derived.get(1)).as("the same in the second process").isEqualTo(derived.get(0));
    }

    /** The key {@link #aTokensKeyDerivesTheSameClusterKeyInEveryProcess} prints, in a process of its own. */
    static final class TokenDerivation {
        public static void main(String[] args) {
            KeysConfig keys = new KeysConfig(true, null, new Pkcs11Config(Path.of(args[0]), Long.parseLong(args[1]),
                    null, args[2], Path.of(args[3])));
            System.out.println(HexFormat.of().formatHex(KeyEncryptionKey.forCluster(keys,
                    new DataDirectory(Path.of(args[4])), Map.of(), "prod.").derive("ebb cluster record mac v1")));
        }
    }

    /** A new token in the SoftHSM2 configuration {@code conf}, with an AES key 'ebb-kek' made in it; its slot. */
    private String tokenWithKey(Path conf) throws IOException, InterruptedException {
        String init = run(conf, UTIL.toString(), "--init-token", "--free", "--label", "ebb-test", "--pin", PIN,
                "--so-pin", "135792");
        Matcher slot = Pattern.compile("reassigned to slot (\\d+)").matcher(init);
        assertThat(slot.find()).as(init).isTrue();
        Path providerConfig = dir.resolve("pkcs11.cfg");
        Files.writeString(providerConfig, "name = ebb-test\nlibrary = " + LIBRARY + "\nslot = " + slot.group(1) + "\n");
        run(conf, Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genseckey", "-keyalg", "AES",
                "-keysize", "256", "-alias", "ebb-kek", "-keystore", "NONE", "-storetype", "PKCS11", "-providerClass",
                "sun.security.pkcs11.SunPKCS11", "-providerArg", providerConfig.toString(), "-storepass", PIN);
        return slot.group(1);
    }

    private Path softHsmConfig() throws IOException {
        Path tokens = Files.createDirectories(dir.resolve("tokens"));
        Path conf = dir.resolve("softhsm2.conf");
        Files.writeString(conf, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n");
        return conf;
    }

    private Path config(Path data, int smppPort, int smscPort, String keys, boolean simulator) throws IOException {
        return GatewayProcess.writeConfig(dir.resolve("ebb.yaml"), data, smppPort, smscPort, keys,
                "simulator: {enabled: " + simulator + ", port: " + smscPort + ", systemId: ebb, password: ebb, "
                        + "receiptDelay: PT0.01S}");
    }

    /** Starts Ebb on {@code config} with the SoftHSM2 configuration in its environment, once it listens on {@code port}. */
    private Process ebb(Path softHsmConf, Path config, int port, String life) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(EbbProcess.command(config)).redirectErrorStream(true)
                .redirectOutput(dir.resolve(life + ".log").toFile());
        builder.environment().put("SOFTHSM2_CONF", softHsmConf.toString());
        Process ebb = builder.start();
        Await.until("the " + life + " gateway listens (or exits: " + dir.resolve(life + ".log") + ")",
                Duration.ofSeconds(60), () -> !ebb.isAlive() || listening(port));
        assertThat(ebb.isAlive()).as(() -> log(life)).isTrue();
        return ebb;
    }

    /** SIGTERM: the shutdown hook unbinds and closes the stores. */
    private static void stop(Process ebb) throws InterruptedException {
        ebb.destroy();
        if (!ebb.waitFor(30, TimeUnit.SECONDS)) {
            ebb.destroyForcibly();
        }
    }

    private String log(String life) {
        try {
            return Files.readString(dir.resolve(life + ".log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static String run(Path softHsmConf, String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("SOFTHSM2_CONF", softHsmConf.toString());
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
        return out;
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
