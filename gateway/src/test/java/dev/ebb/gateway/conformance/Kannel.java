package dev.ebb.gateway.conformance;

import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.TestGateway;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Kannel from Debian's {@code kannel} package as a customer runs it in front of Ebb: a bearerbox with one
 * {@code smsc = smpp} connection to Ebb and an smsbox taking HTTP sendsms requests, in a directory of their own with
 * every port on loopback. The SMPP group sets only where to connect, as whom, and a transceiver bind (without one
 * Kannel hears no receipts), so Kannel keeps its stock TON/NPI handling (source-addr-autodetect, national TON for
 * numbers without {@code +}).
 */
final class Kannel implements AutoCloseable {
    static final Path BEARERBOX = Path.of("/usr/sbin/bearerbox");
    static final Path SMSBOX = Path.of("/usr/sbin/smsbox");
    static final String NOT_INSTALLED = "Debian package kannel is not installed (apt-get install kannel)";
    private static final String SENDSMS_USER = "ebb-test";
    private static final String SENDSMS_PASSWORD = "ebb-test-send";
    /** Kannel's log-level 2: warnings and errors only (0 would log every PDU, message text included). */
    private static final int LOG_LEVEL = 2;
    private static final long STOP_WAIT_SECONDS = 5;
    private final Path dir;
    private final int sendsmsPort;
    private final List<Process> processes = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    private Kannel(Path dir, int sendsmsPort) {
        this.dir = dir;
        this.sendsmsPort = sendsmsPort;
    }

    static boolean installed() {
        return Files.isExecutable(BEARERBOX) && Files.isExecutable(SMSBOX);
    }

    /**
     * Starts bearerbox, which binds to Ebb's SMPP port as the test customer, then smsbox once bearerbox takes box
     * connections (an smsbox that finds no bearerbox exits at once).
     */
    static Kannel start(int smppPort) throws IOException {
        Kannel kannel = new Kannel(Files.createTempDirectory("ebb-kannel-"), TestGateway.freePort());
        try {
            int boxPort = TestGateway.freePort();
            Path conf = kannel.writeConfig(smppPort, TestGateway.freePort(), boxPort);
            kannel.launch(BEARERBOX, conf, "bearerbox");
            kannel.await("bearerbox listens for smsbox on port " + boxPort, () -> accepts(boxPort));
            kannel.launch(SMSBOX, conf, "smsbox");
            return kannel;
        } catch (IOException | RuntimeException | Error e) {
            kannel.close();
            throw e;
        }
    }

    /**
     * Waits for {@code condition} like {@link Await#until}, failing at once if a Kannel process has exited, and on
     * failure shows what Kannel logged by then.
     */
    void await(String what, BooleanSupplier condition) {
        try {
            Await.until(what, Conformance.WAIT, () -> {
                if (!processes.stream().allMatch(Process::isAlive)) {
                    throw new AssertionError("a Kannel process exited");
                }
                return condition.getAsBoolean();
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + " (waiting until " + what + ")\nKannel's log:\n" + log(), e);
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    private Path writeConfig(int smppPort, int adminPort, int boxPort) throws IOException {
        String conf = String.join("\n",
                "group = core",
                "admin-port = " + adminPort,
                "admin-interface = 127.0.0.1",
                "admin-password = ebb-test-admin",
                "smsbox-port = " + boxPort,
                "smsbox-interface = 127.0.0.1",
                "box-allow-ip = 127.0.0.1",
                "log-file = \"" + dir.resolve("bearerbox.log") + "\"",
                "log-level = " + LOG_LEVEL,
                "",
                "group = smsc",
                "smsc = smpp",
                "smsc-id = ebb",
                "host = 127.0.0.1",
                "port = " + smppPort,
                // With port alone Kannel binds a transmitter only and never hears a receipt; 1.4.5 refuses port and
                // receive-port in one group, so one transceiver, as Kannel's userguide sets it up.
                "transceiver-mode = true",
                "smsc-username = " + TestGateway.SYSTEM_ID,
                "smsc-password = " + TestGateway.PASSWORD,
                // Required by Kannel 1.4.5; "VMA" is the value its userguide suggests.
                "system-type = VMA",
                "",
                "group = smsbox",
                "bearerbox-host = 127.0.0.1",
                "bearerbox-port = " + boxPort,
                "sendsms-port = " + sendsmsPort,
                "sendsms-interface = 127.0.0.1",
                "log-file = \"" + dir.resolve("smsbox.log") + "\"",
                "log-level = " + LOG_LEVEL,
                "",
                "group = sendsms-user",
                "username = " + SENDSMS_USER,
                "password = " + SENDSMS_PASSWORD,
                "");
        return Files.writeString(dir.resolve("kannel.conf"), conf);
    }

    private void launch(Path binary, Path conf, String name) throws IOException {
        processes.add(new ProcessBuilder(binary.toString(), "-v", Integer.toString(LOG_LEVEL), conf.toString())
                .redirectOutput(dir.resolve(name + ".out").toFile())
                .redirectErrorStream(true)
                .start());
    }

    /**
     * Asks smsbox to send {@code params} (URL-encoded here) as the sendsms user.
     *
     * @return smsbox's answer, or null while it does not listen yet
     */
    HttpResponse<String> sendsms(Map<String, String> params) {
        String query = Stream.concat(Stream.of(Map.entry("username", SENDSMS_USER),
                                Map.entry("password", SENDSMS_PASSWORD)), params.entrySet().stream())
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        URI uri = URI.create("http://127.0.0.1:" + sendsmsPort + "/cgi-bin/sendsms?" + query);
        try {
            return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException notListeningYet) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking smsbox", e);
        }
    }

    /** What Kannel logged (warnings and errors), for a failure message and for the report of what it did. */
    String log() {
        StringBuilder all = new StringBuilder();
        for (String name : List.of("bearerbox.log", "bearerbox.out", "smsbox.log", "smsbox.out")) {
            Path file = dir.resolve(name);
            try {
                if (Files.exists(file)) {
                    all.append("--- ").append(name).append('\n').append(Files.readString(file));
                }
            } catch (IOException e) {
                all.append("--- ").append(name).append(" unreadable: ").append(e).append('\n');
            }
        }
        return all.toString();
    }

    /**
     * Stops smsbox, then bearerbox: SIGTERM first, which Kannel takes as its orderly shutdown (bearerbox unbinds from
     * Ebb), then SIGKILL for one that has not exited in time; never leaves a process behind. Deletes the directory.
     */
    @Override
    public void close() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            stop(processes.get(i));
        }
        processes.clear();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

    private static void stop(Process process) {
        process.destroy();
        boolean interrupted = false;
        try {
            if (process.waitFor(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().onExit().join(); // SIGKILL cannot be ignored: this returns
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
