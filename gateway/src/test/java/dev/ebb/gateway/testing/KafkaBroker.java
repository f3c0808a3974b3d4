package dev.ebb.gateway.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;

/**
 * A single-node Kafka (KRaft, broker and controller in one) as a process of its own, started from the Kafka jars on
 * this JVM's class path: a test can stop it for real (the process ends, its port closes) and start it again on the
 * same port and log directory. The in-JVM test kit's broker shutdown is not an outage: its listener keeps answering
 * produce requests with NOT_LEADER_OR_FOLLOWER.
 */
public final class KafkaBroker implements AutoCloseable {
    private static final Duration START = Duration.ofSeconds(60);
    private final Path dir;
    private final int port;
    private Process process;

    private KafkaBroker(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Formats a new log directory in {@code dir} and starts the broker on a free loopback port. */
    public static KafkaBroker start(Path dir) {
        KafkaBroker broker = new KafkaBroker(dir, TestGateway.freePort());
        int controller = TestGateway.freePort();
        try {
            Files.createDirectories(dir);
            Files.writeString(broker.config(), String.join("\n",
                    "process.roles=broker,controller",
                    "node.id=1",
                    "controller.quorum.bootstrap.servers=127.0.0.1:" + controller,
                    "listeners=PLAINTEXT://127.0.0.1:" + broker.port + ",CONTROLLER://127.0.0.1:" + controller,
                    "advertised.listeners=PLAINTEXT://127.0.0.1:" + broker.port,
                    "controller.listener.names=CONTROLLER",
                    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                    "log.dirs=" + dir.resolve("logs"),
                    "offsets.topic.replication.factor=1",
                    "transaction.state.log.replication.factor=1",
                    "transaction.state.log.min.isr=1",
                    "group.initial.rebalance.delay.ms=0",
                    "auto.create.topics.enable=false") + "\n");
            Process format = new ProcessBuilder(java("kafka.tools.StorageTool", "format", "-t",
                    Uuid.randomUuid().toString(), "-c", broker.config().toString(), "--standalone"))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("format.log").toFile()).start();
            if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
                throw new IllegalStateException("kafka storage format failed: " + Files.readString(dir.resolve(
                        "format.log")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        broker.restart();
        return broker;
    }

    /** {@code 127.0.0.1:<port>}. */
    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    /** Starts the broker (again) and waits until its port answers. */
    public void restart() {
        try {
            process = new ProcessBuilder(java("kafka.Kafka", config().toString())).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("broker.log").toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Await.until("Kafka listening on " + bootstrap(), START, this::listening);
    }

    /** Stops the broker (SIGTERM, a clean shutdown) and waits until the process is gone. */
    public void stop() {
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            stop();
        }
    }

    private boolean listening() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private Path config() {
        return dir.resolve("server.properties");
    }

    private static List<String> java(String main, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx256m", "-cp", System.getProperty("java.class.path"), main));
        command.addAll(List.of(args));
        return command;
    }
}
