package dev.ebb.gateway.cli;

import dev.ebb.gateway.config.ListenerConfig;
import dev.ebb.gateway.http.HttpListener;
import dev.ebb.gateway.http.witness.WitnessServer;
import dev.ebb.metadata.Cosignature;
import dev.ebb.metadata.DurableFiles;
import dev.ebb.metadata.NoteVerifierKey;
import dev.ebb.metadata.OwnerOnlyFiles;
import dev.ebb.metadata.Witness;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ebb witness}: a C2SP tlog-witness a regulator runs themselves. It keeps the latest checkpoint it cosigned
 * per origin in its own directory (with its key, {@code witness.key}, made on first start, owner-only), verifies each
 * submitted checkpoint's log signature and consistency proof, and cosigns; it prints its vkey, which Ebb's
 * {@code metadata.witnesses[].key} and {@code ebb audit verify-export --witness-key} take.
 */
@Command(name = "witness", mixinStandardHelpOptions = true,
        description = "Run a transparency log witness that cosigns Ebb's checkpoints (C2SP tlog-witness).")
public final class WitnessCommand implements Callable<Integer> {
    static final String KEY_FILE = "witness.key";

    @Option(names = "--dir", required = true, description = "the witness's own directory (state and key)")
    Path dir;

    @Option(names = "--name", required = true, description = "the witness's key name, e.g. regulator.example/w1")
    String name;

    @Option(names = "--log-key", required = true, description = "a log's vkey; its origins <name> and "
            + "<name>/<yyyy-mm-dd> are witnessed (repeatable)")
    List<String> logKeys = new ArrayList<>();

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "listen address (default ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--port", defaultValue = "7380", description = "listen port (default ${DEFAULT-VALUE})")
    int port;

    @Override
    public Integer call() throws Exception {
        try (Running w = start(dir, name, logKeys.stream().map(NoteVerifierKey::parse).toList(), host, port,
                Clock.systemUTC())) {
            System.out.println("witness " + w.verifierKey() + " listening on " + host + ":" + w.port());
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            stop.await();
        }
        return 0;
    }

    /** A started witness: its port and key; closing stops it. */
    public static final class Running implements AutoCloseable {
        private final HttpListener listener;
        private final EventLoopGroup group;
        private final Witness witness;

        private Running(HttpListener listener, EventLoopGroup group, Witness witness) {
            this.listener = listener;
            this.group = group;
            this.witness = witness;
        }

        public int port() {
            return listener.port();
        }

        public NoteVerifierKey verifierKey() {
            return witness.verifierKey();
        }

        @Override
        public void close() {
            listener.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Starts a witness on {@code host:port} (0 for any free port) with its state and key in {@code dir}. */
    public static Running start(Path dir, String name, List<NoteVerifierKey> logs, String host, int port, Clock clock)
            throws IOException, InterruptedException {
        for (NoteVerifierKey k : logs) {
            if (k.type() != NoteVerifierKey.TYPE_ED25519) {
                throw new IllegalArgumentException("--log-key " + k.name() + " is not a log (note signature) key");
            }
        }
        Files.createDirectories(dir);
        Witness witness = new Witness(dir.resolve("checkpoints"), Cosignature.signer(name, keyPair(dir.resolve(KEY_FILE))),
                logs, clock);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            return new Running(WitnessServer.start(new ListenerConfig(host, port), witness, group), group, witness);
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** The witness key: two Base64 lines (PKCS#8 private, X.509 public), created 0600 on first use. */
    private static KeyPair keyPair(Path file) throws IOException {
        try {
            KeyFactory kf = KeyFactory.getInstance("Ed25519");
            if (Files.exists(file)) {
                OwnerOnlyFiles.requireOwnerOnly(file);
                List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
                return new KeyPair(kf.generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(lines.get(1)))),
                        kf.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(lines.get(0)))));
            }
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            DurableFiles.replaceOwnerOnly(file, (Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded())
                    + "\n" + Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()) + "\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return pair;
        } catch (GeneralSecurityException | IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new IOException("witness key " + file + " cannot be used: " + e.getMessage(), e);
        }
    }
}
