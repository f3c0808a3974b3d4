package dev.ebb.gateway.http.witness;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ebb.gateway.cli.WitnessCommand;
import dev.ebb.gateway.compliance.Witnesses;
import dev.ebb.gateway.config.WitnessConfig;
import dev.ebb.metadata.Channel;
import dev.ebb.metadata.Checkpoint;
import dev.ebb.metadata.Cosignature;
import dev.ebb.metadata.EventType;
import dev.ebb.metadata.MetadataStore;
import dev.ebb.metadata.MetadataStoreConfig;
import dev.ebb.metadata.NoteSigner;
import dev.ebb.metadata.SignedNote;
import dev.ebb.metadata.SourceAddress;
import dev.ebb.metadata.TrafficRecord;
import dev.ebb.metadata.Witness;
import dev.ebb.testing.MutableClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15: {@code ebb witness} as a real HTTP server on loopback, fed by Ebb's own submitter (C2SP tlog-witness):
 * it cosigns a log that only grows, and refuses a split view (two checkpoints of one origin that cannot both be
 * true) with the spec's 409 and 422; an unknown origin gets 404 and a signature it cannot trust 403.
 */
class WitnessServerTest {
    private static final Instant NOW = Instant.parse("2025-03-10T09:00:00Z");
    private static final LocalDate DAY = LocalDate.of(2025, 3, 10);

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(NOW);
    private final HttpClient http = HttpClient.newHttpClient();
    private MetadataStore log;
    private MetadataStore fork;
    private WitnessCommand.Running witness;

    @BeforeEach
    void start() throws Exception {
        // Two stores under one signing key and log name: the log showing one history to the witness and another
        // to someone else.
        MetadataStoreConfig config = MetadataStoreConfig.defaults().withLogName("sms.example/ebb");
        config = new MetadataStoreConfig(config.retention(), dir.resolve("log-key/signing.key"),
                config.treeHeadInterval(), config.logName());
        log = MetadataStore.open(dir.resolve("log"), config, clock);
        fork = MetadataStore.open(dir.resolve("fork"), config, clock);
        witness = WitnessCommand.start(dir.resolve("witness"), "regulator.example/w1", List.of(log.logKey()),
                "127.0.0.1", 0, clock);
    }

    @AfterEach
    void stop() {
        witness.close();
        log.close();
        fork.close();
    }

    @Test
    void theWitnessCosignsEachCheckpointOfAGrowingLogAndEbbKeepsTheCosignatures() throws Exception {
        Witnesses submitter = submitter();
        append(log, "a", 5);
        SignedNote first = submitter.cosign(DAY).orElseThrow();
        append(log, "b", 7);
        SignedNote second = submitter.cosign(DAY).orElseThrow();
        append(log, "c", 1);
        // A submitter that knows nothing (a restarted gateway) learns the witness's size from its 409.
        SignedNote third = submitter().cosign(DAY).orElseThrow();

        for (SignedNote n : List.of(first, second, third)) {
            assertThat(Cosignature.verify(n, witness.verifierKey())).as(n.text()).isPresent();
        }
        assertThat(Checkpoint.parse(third.text()).size()).isEqualTo(13);
        assertThat(log.checkpoint(DAY).orElseThrow().format()).isEqualTo(third.format());
        HttpResponse<String> monitored = get("/" + Witness.originHash("sms.example/ebb/" + DAY) + "/checkpoint");
        assertThat(monitored.statusCode()).isEqualTo(200);
        assertThat(SignedNote.parse(monitored.body()).format()).isEqualTo(third.format());
    }

    @Test
    void aSplitViewIsRefusedWith409And422() throws Exception {
        append(log, "a", 4);
        append(fork, "a", 4);
        assertThat(submitter().cosign(DAY).map(n -> Cosignature.verify(n, witness.verifierKey()).isPresent()))
                .hasValue(true);
        append(log, "honest", 3);
        append(fork, "forged", 3);
        SignedNote honest = log.checkpoint(DAY).orElseThrow();
        SignedNote forged = fork.checkpoint(DAY).orElseThrow();
        assertThat(forged.verifiedBy(log.logKey())).isTrue();
        assertThat(forged.text()).isNotEqualTo(honest.text());
        assertThat(post(Witness.requestBody(4, log.consistencyProof(DAY, 4, 7), honest)).statusCode()).isEqualTo(200);

        HttpResponse<String> stale = post(Witness.requestBody(4, fork.consistencyProof(DAY, 4, 7), forged));
        HttpResponse<String> sameSize = post(Witness.requestBody(7, List.of(), forged));
        append(fork, "more", 1);
        HttpResponse<String> badProof = post(Witness.requestBody(7, fork.consistencyProof(DAY, 7, 8),
                fork.checkpoint(DAY).orElseThrow()));

        assertThat(stale.statusCode()).isEqualTo(409);
        assertThat(stale.headers().firstValue("Content-Type")).hasValue("text/x.tlog.size");
        assertThat(stale.body()).isEqualTo("7\n");
        assertThat(sameSize.statusCode()).isEqualTo(422);
        assertThat(badProof.statusCode()).isEqualTo(422);
        // Ebb's own submitter of the fork gets no cosignature for it either.
        assertThat(new Witnesses(fork, List.of(new WitnessConfig(url(), witness.verifierKey().toString())),
                Duration.ofSeconds(5), clock).cosign(DAY).map(n -> Cosignature.verify(n, witness.verifierKey())
                .isPresent())).hasValue(false);
    }

    @Test
    void anUnknownOriginIs404AndAnUntrustedOrBrokenSignature403() throws Exception {
        append(log, "a", 2);
        SignedNote real = log.checkpoint(DAY).orElseThrow();
        NoteSigner stranger = NoteSigner.of("sms.example/ebb", KeyPairGenerator.getInstance("Ed25519")
                .generateKeyPair());
        NoteSigner elsewhere = NoteSigner.of("other.example/log", KeyPairGenerator.getInstance("Ed25519")
                .generateKeyPair());
        SignedNote.Signature sig = real.signatures().get(0);
        byte[] flipped = sig.bytes();
        flipped[10] ^= 1;
        String brokenSignature = new SignedNote(real.text(), List.of(new SignedNote.Signature(sig.keyName(),
                sig.keyId(), flipped))).format();

        assertThat(post(Witness.requestBody(0, List.of(), SignedNote.sign(
                "other.example/log\n2\n" + real.text().split("\n")[2] + "\n", elsewhere))).statusCode()).isEqualTo(404);
        assertThat(post(Witness.requestBody(0, List.of(), SignedNote.sign(real.text(), stranger))).statusCode())
                .isEqualTo(403);
        assertThat(post("old 0\n\n" + brokenSignature).statusCode()).isEqualTo(403);
        assertThat(post("old 3\n\n" + real.format()).statusCode()).isEqualTo(400);
        assertThat(post("no old line\n\n" + real.format()).statusCode()).isEqualTo(400);
        assertThat(post(Witness.requestBody(0, List.of(), real)).statusCode()).isEqualTo(200);
    }

    /**
     * Attack review: a third party replays the log's current checkpoint with 63 extra signature lines of keys nobody
     * trusts. The witness kept every line it was sent beside its own cosignature, 65 in all, more than a note may carry,
     * so it could no longer read its own state: every later checkpoint of that origin failed, the day stayed
     * uncosigned, and the monitoring URL served a note no client parses.
     */
    @Test
    void signaturesOfUntrustedKeysAreNotKeptSoAReplayWithManyCannotJamTheOrigin() throws Exception {
        append(log, "a", 2);
        SignedNote real = log.checkpoint(DAY).orElseThrow();
        StringBuilder junk = new StringBuilder(real.format());
        for (int i = 0; i < SignedNote.MAX_SIGNATURES - 1; i++) {
            junk.append("\u2014 junk").append(i).append(" AAAAAAAAAAA=\n");
        }
        assertThat(post("old 0\n\n" + junk).statusCode()).isEqualTo(200);

        append(log, "b", 3);
        SignedNote next = submitter().cosign(DAY).orElseThrow();
        HttpResponse<String> monitored = get("/" + Witness.originHash("sms.example/ebb/" + DAY) + "/checkpoint");

        assertThat(Cosignature.verify(next, witness.verifierKey())).isPresent();
        assertThat(Checkpoint.parse(next.text()).size()).isEqualTo(5);
        assertThat(SignedNote.parse(monitored.body()).signatures()).extracting(SignedNote.Signature::keyName)
                .containsExactly("sms.example/ebb", "regulator.example/w1");
    }

    private Witnesses submitter() {
        return new Witnesses(log, List.of(new WitnessConfig(url(), witness.verifierKey().toString())),
                Duration.ofSeconds(5), clock);
    }

    private String url() {
        return "http://127.0.0.1:" + witness.port();
    }

    private HttpResponse<String> post(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url() + "/add-checkpoint"))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Appends {@code n} records and signs the day's head (and so its checkpoint). */
    private void append(MetadataStore store, String prefix, int n) {
        for (int i = 0; i < n; i++) {
            store.append(TrafficRecord.builder().eventType(EventType.ACCEPTED).eventTime(clock.instant())
                    .messageId(prefix + "-" + i).customerId("demo").channel(Channel.HTTP)
                    .source(SourceAddress.alphanumeric("ACME")).destination("+4790000001").build());
            clock.advance(Duration.ofMillis(5));
        }
        store.signTreeHead();
    }
}
