package dev.ebb.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ebb.gateway.testing.Await;
import dev.ebb.gateway.testing.TestGateway;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * Prometheus from Debian's {@code prometheus} package (2.42), run as ops run it in front of Ebb: a child process with
 * a config of its own in a temporary directory, scraping one Ebb every second and evaluating Ebb's alert rules every
 * second, its web API on a free loopback port. Also where the tests find {@code promtool}.
 */
final class Prometheus implements AutoCloseable {
    static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    static final String NOT_INSTALLED = "Debian package prometheus is not installed (apt-get install prometheus;"
            + " .ci/run installs it): the alert rules and the real scrape are not tested";
    /** The alert rules Ebb ships, from the gateway module's directory (where Surefire runs). */
    static final Path ALERTS = Path.of("..", "config", "prometheus-alerts.yml").toAbsolutePath().normalize();
    static final Duration WAIT = Duration.ofSeconds(15);
    private static final long STOP_WAIT_SECONDS = 5;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final int port;
    private final Process process;
    private final HttpClient http = HttpClient.newHttpClient();

    private Prometheus(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    static boolean installed() {
        return Files.isExecutable(PROMETHEUS) && Files.isExecutable(PROMTOOL);
    }

    /**
     * Starts Prometheus scraping {@code http://127.0.0.1:metricsPort/metrics} as job {@code ebb} (the job the alert
     * file names) with {@link #ALERTS} loaded, and waits until it answers {@code /-/ready}.
     */
    static Prometheus start(int metricsPort) throws IOException {
        Path dir = Files.createTempDirectory("ebb-prometheus-");
        int port = TestGateway.freePort();
        Path config = Files.writeString(dir.resolve("prometheus.yml"), String.join("\n",
                "global:",
                "  scrape_interval: 1s",
                "  evaluation_interval: 1s",
                "rule_files:",
                "  - '" + ALERTS + "'",
                "scrape_configs:",
                "  - job_name: ebb",
                "    static_configs:",
                "      - targets: ['127.0.0.1:" + metricsPort + "']",
                ""));
        Process process = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectOutput(dir.resolve("prometheus.out").toFile())
                .redirectErrorStream(true)
                .start();
        Prometheus prometheus = new Prometheus(dir, port, process);
        try {
            prometheus.await("Prometheus answers /-/ready", () -> prometheus.status("/-/ready") == 200);
            return prometheus;
        } catch (RuntimeException | Error e) {
            prometheus.close();
            throw e;
        }
    }

    /**
     * Waits for {@code condition} like {@link Await#until}, failing at once if Prometheus has exited, and on failure
     * shows what it logged.
     */
    void await(String what, BooleanSupplier condition) {
        try {
            Await.until(what, WAIT, () -> {
                if (!process.isAlive()) {
                    throw new AssertionError("Prometheus exited with " + process.exitValue());
                }
                return condition.getAsBoolean();
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nPrometheus's log:\n" + log(), e);
        }
    }

    /** The {@code data} member of an API answer ({@code /api/v1/...}), after checking its status is success. */
    JsonNode api(String pathAndQuery) {
        JsonNode answer;
        try {
            answer = JSON.readTree(get(pathAndQuery).body());
        } catch (IOException e) {
            throw new AssertionError(pathAndQuery + " answered no JSON", e);
        }
        if (!"success".equals(answer.path("status").asText())) {
            throw new AssertionError(pathAndQuery + " answered " + answer);
        }
        return answer.path("data");
    }

    /** The instant vector {@code promql} evaluates to now ({@code /api/v1/query}). */
    List<JsonNode> query(String promql) {
        List<JsonNode> samples = new ArrayList<>();
        api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).path("result")
                .forEach(samples::add);
        return samples;
    }

    private int status(String path) {
        try {
            return get(path).statusCode();
        } catch (UncheckedIOException notListeningYet) {
            return -1;
        }
    }

    private HttpResponse<String> get(String pathAndQuery) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking Prometheus", e);
        }
    }

    String log() {
        try {
            return Files.readString(dir.resolve("prometheus.out"));
        } catch (IOException e) {
            return "unreadable: " + e;
        }
    }

    /** SIGTERM (Prometheus's orderly shutdown), SIGKILL if it has not exited in time; deletes its directory. */
    @Override
    public void close() {
        process.destroy();
        boolean interrupted = false;
        try {
            if (!process.waitFor(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().onExit().join();
            }
        } catch (InterruptedException e) {
            interrupted = true;
            process.destroyForcibly().onExit().join();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
