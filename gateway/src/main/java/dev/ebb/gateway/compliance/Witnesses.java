package dev.ebb.gateway.compliance;

import dev.ebb.gateway.config.WitnessConfig;
import dev.ebb.metadata.Checkpoint;
import dev.ebb.metadata.Cosignature;
import dev.ebb.metadata.MetadataStore;
import dev.ebb.metadata.NoteVerifierKey;
import dev.ebb.metadata.SignedNote;
import dev.ebb.metadata.Witness;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submits the metadata store's checkpoints to the configured witnesses over C2SP tlog-witness ({@code POST
 * <url>/add-checkpoint} with the consistency proof from the size the witness last cosigned) and keeps the
 * cosignatures that verify with the witness's key next to the checkpoint. A witness's size is learnt from its 409
 * answer (the spec's way for a client without state), so nothing about witnesses needs to be stored. A witness that
 * is down or refuses is logged and tried again with the next checkpoint; it never stops the gateway.
 *
 * <p>Thread-safe; one submission per day at a time.
 */
public final class Witnesses {
    private static final Logger LOG = LoggerFactory.getLogger(Witnesses.class);
    private final MetadataStore store;
    private final List<WitnessConfig> witnesses;
    private final HttpClient http;
    private final Duration timeout;
    private final Clock clock;
    /** What each witness last cosigned, per witness URL and origin. */
    private final Map<String, Long> sizes = new ConcurrentHashMap<>();

    /**
     * @param timeout how long one request to a witness may take
     */
    public Witnesses(MetadataStore store, List<WitnessConfig> witnesses, Duration timeout, Clock clock) {
        this.store = store;
        this.witnesses = List.copyOf(witnesses);
        this.timeout = timeout;
        this.clock = clock;
        this.http = witnesses.isEmpty() ? null : HttpClient.newBuilder().connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** No witnesses: checkpoints are published uncosigned. */
    public static Witnesses none(MetadataStore store) {
        return new Witnesses(store, List.of(), Duration.ofSeconds(1), Clock.systemUTC());
    }

    /** For the schedule: today's and yesterday's (UTC, store clock) latest checkpoints, submitted where not cosigned. */
    public void submitRecent() {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        try {
            cosign(today.minusDays(1));
            cosign(today);
        } catch (RuntimeException e) {
            // A schedule stops at the first exception it sees: the next minute tries again instead.
            LOG.warn("submitting checkpoints to witnesses failed: {}", e.toString());
        }
    }

    /**
     * Submits {@code day}'s latest checkpoint to each witness whose valid cosignature it lacks, and keeps what they
     * return.
     *
     * @return the checkpoint with the cosignatures it has now; empty if the day has none
     */
    public synchronized Optional<SignedNote> cosign(LocalDate day) {
        Optional<SignedNote> note = store.checkpoint(day);
        if (note.isEmpty() || witnesses.isEmpty()) {
            return note;
        }
        SignedNote current = note.get();
        for (WitnessConfig w : witnesses) {
            NoteVerifierKey key = w.verifierKey();
            if (Cosignature.verify(current, key).isPresent()) {
                continue;
            }
            try {
                List<SignedNote.Signature> got = submit(w, key, day, current);
                if (!got.isEmpty() && store.addCosignatures(day, current.text(), got)) {
                    current = current.with(got);
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("witness {} did not cosign checkpoint {}: {}", w.url(), store.checkpointOrigin(day),
                        e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.of(current);
            }
        }
        return Optional.of(current);
    }

    /** One add-checkpoint exchange, retried once with the size a 409 names. */
    private List<SignedNote.Signature> submit(WitnessConfig w, NoteVerifierKey key, LocalDate day, SignedNote note)
            throws IOException, InterruptedException {
        Checkpoint cp = Checkpoint.parse(note.text());
        String sizeKey = w.url() + " " + cp.origin();
        long old = Math.min(sizes.getOrDefault(sizeKey, 0L), cp.size());
        for (int attempt = 0; attempt < 2; attempt++) {
            String body = Witness.requestBody(old, store.consistencyProof(day, old, cp.size()), note);
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(w.url() + "/add-checkpoint"))
                    .timeout(timeout).POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (r.statusCode() == 409 && r.headers().firstValue("Content-Type").orElse("")
                    .startsWith(Witness.SIZE_TYPE) && r.body().matches("(0|[1-9][0-9]{0,18})\n")) {
                long known = Long.parseLong(r.body().strip());
                if (known > cp.size()) {
                    LOG.error("witness {} has cosigned size {} of {}, more than this log's {}: its view of the log "
                            + "is not this one", w.url(), known, cp.origin(), cp.size());
                    return List.of();
                }
                sizes.put(sizeKey, known);
                old = known;
                continue;
            }
            if (r.statusCode() != 200) {
                LOG.warn("witness {} refused checkpoint {} size {} from size {}: HTTP {} {}", w.url(), cp.origin(),
                        cp.size(), old, r.statusCode(), firstLine(r.body()));
                return List.of();
            }
            SignedNote answered = SignedNote.parse(note.format() + r.body());
            if (Cosignature.verify(answered, key).isEmpty()) {
                LOG.warn("witness {} answered checkpoint {} without a valid cosignature of {}", w.url(), cp.origin(),
                        key.name());
                return List.of();
            }
            sizes.put(sizeKey, cp.size());
            List<SignedNote.Signature> valid = new ArrayList<>();
            answered.signatures().stream().filter(key::signed).forEach(valid::add);
            return valid;
        }
        return List.of();
    }

    private static String firstLine(String body) {
        String line = body.lines().findFirst().orElse("");
        return line.length() > 200 ? line.substring(0, 200) : line;
    }
}
