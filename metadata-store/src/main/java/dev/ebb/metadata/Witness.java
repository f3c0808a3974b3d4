package dev.ebb.metadata;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A transparency log witness (c2sp.org/tlog-witness), transport aside: it keeps, per origin, the latest checkpoint it
 * cosigned, and cosigns a new one only if it is signed by a log key it trusts and an RFC 6962 consistency proof from
 * the kept one verifies. A regulator runs it ({@code ebb witness}) so that Ebb cannot show them one history and
 * someone else another.
 *
 * <p>A trusted log key covers the origin that is its key name and the origins {@code <key name>/<yyyy-mm-dd>}: an
 * Ebb log is one log per day under one key. Answers follow the spec's status codes: 400 for a malformed request or an
 * old size above the checkpoint's, 403 when no trusted signature verifies, 404 for an unknown origin, 409 (with the
 * kept size, {@code text/x.tlog.size}) when the old size is not the kept one, 422 when the proof does not verify or
 * the roots of equal sizes differ; 200 with the cosignature line. The kept checkpoint is replaced atomically and
 * durably before the answer, under one lock, so two requests never both extend the same size.
 *
 * <p>State: {@code <dir>/<hex SHA-256 of the origin>} holds the kept checkpoint with its signatures, as served by
 * the monitoring call {@link #checkpoint}.
 */
public final class Witness {
    /** The content type of a 409's body. */
    public static final String SIZE_TYPE = "text/x.tlog.size";
    /** The content type of a cosignature answer and of checkpoints. */
    public static final String TEXT_TYPE = "text/plain; charset=utf-8";
    /** tlog-witness: a client sends at most 63 consistency proof lines. */
    public static final int MAX_PROOF_LINES = 63;

    private final Path dir;
    private final Cosignature cosigner;
    private final List<NoteVerifierKey> logs;
    private final Clock clock;

    /** An answer to a request. */
    public record Answer(int status, String contentType, String body) {
    }

    /**
     * @param dir      where the kept checkpoints are (created if absent)
     * @param cosigner the witness's own key
     * @param logs     the log keys trusted (type Ed25519 note signatures)
     * @param clock    the cosignatures' time
     */
    public Witness(Path dir, Cosignature cosigner, List<NoteVerifierKey> logs, Clock clock) {
        this.dir = dir;
        this.cosigner = cosigner;
        this.logs = List.copyOf(logs);
        this.clock = clock;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new MetadataStoreException("cannot create witness directory " + dir, e);
        }
    }

    /** The witness's cosigning key, as its vkey. */
    public NoteVerifierKey verifierKey() {
        return cosigner.verifierKey();
    }

    /** {@code POST <prefix>/add-checkpoint} with {@code body}. */
    public synchronized Answer addCheckpoint(byte[] body) {
        Request r;
        try {
            r = Request.parse(body);
        } catch (IllegalArgumentException e) {
            return text(400, "malformed add-checkpoint request: " + e.getMessage());
        }
        Checkpoint cp = r.checkpoint();
        List<NoteVerifierKey> trusted = logs.stream().filter(k -> covers(k, cp.origin())).toList();
        if (trusted.isEmpty()) {
            return text(404, "unknown origin " + cp.origin());
        }
        List<NoteVerifierKey> signers = new ArrayList<>();
        for (NoteVerifierKey k : trusted) {
            if (r.note().hasSignatureOf(k)) {
                if (!r.note().verifiedBy(k)) {
                    return text(403, "the signature of " + k.name() + " does not verify");
                }
                signers.add(k);
            }
        }
        if (signers.isEmpty()) {
            return text(403, "no signature by a key trusted for " + cp.origin());
        }
        if (r.oldSize() > cp.size()) {
            return text(400, "old size " + r.oldSize() + " is above the checkpoint's " + cp.size());
        }
        Optional<SignedNote> kept = kept(cp.origin());
        Checkpoint last = kept.map(n -> Checkpoint.parse(n.text())).orElse(null);
        long keptSize = last == null ? 0 : last.size();
        if (r.oldSize() != keptSize) {
            return new Answer(409, SIZE_TYPE, keptSize + "\n");
        }
        if (cp.size() == 0 && !MessageDigest.isEqual(cp.rootHash(), MerkleTree.emptyRoot())) {
            return text(422, "a checkpoint of size 0 has the root of the empty tree");
        }
        if (r.oldSize() == 0 && !r.proof().isEmpty()) {
            return text(422, "a proof from size 0 is empty");
        }
        byte[] oldRoot = last == null ? MerkleTree.emptyRoot() : last.rootHash();
        if (r.oldSize() == cp.size() && !MessageDigest.isEqual(oldRoot, cp.rootHash())) {
            return text(422, "the root differs from the one cosigned at size " + keptSize);
        }
        if (!MerkleTree.verifyConsistency(r.oldSize(), cp.size(), oldRoot, cp.rootHash(), r.proof())) {
            return text(422, "the consistency proof from size " + r.oldSize() + " does not verify");
        }
        SignedNote.Signature cosignature = cosigner.cosign(r.note().text(), Math.max(1, clock.millis() / 1000));
        // Only the log signatures it verified and its own: lines of keys it does not know, which anyone replaying a
        // checkpoint may add, would otherwise be served as monitored and could fill the note past what it can parse.
        List<SignedNote.Signature> lines = new ArrayList<>();
        for (NoteVerifierKey k : signers) {
            lines.add(r.note().signatures().stream().filter(k::signed).findFirst().orElseThrow());
        }
        lines.add(cosignature);
        keep(cp.origin(), new SignedNote(r.note().text(), lines));
        return new Answer(200, TEXT_TYPE, cosignature.line());
    }

    /**
     * {@code GET <prefix>/<origin hash>/checkpoint}: the kept checkpoint of the origin whose lowercase hex SHA-256 is
     * {@code originHash}, with the log's signature and this witness's cosignature; empty if none.
     */
    public synchronized Optional<String> checkpoint(String originHash) {
        if (!originHash.matches("[0-9a-f]{64}")) {
            return Optional.empty();
        }
        Path f = dir.resolve(originHash);
        try {
            return Files.exists(f) ? Optional.of(Files.readString(f, StandardCharsets.UTF_8)) : Optional.empty();
        } catch (IOException e) {
            throw new MetadataStoreException("cannot read " + f, e);
        }
    }

    /** The timestamp of this witness's valid cosignature on {@code note}, if it carries one. */
    public OptionalLong cosigned(SignedNote note) {
        return Cosignature.verify(note, cosigner.verifierKey());
    }

    /** The lowercase hex SHA-256 of an origin: its name in the monitoring URL and in the state directory. */
    public static String originHash(String origin) {
        return HexFormat.of().formatHex(Sha256.of(origin.getBytes(StandardCharsets.UTF_8)));
    }

    static boolean covers(NoteVerifierKey key, String origin) {
        if (origin.equals(key.name())) {
            return true;
        }
        if (!origin.startsWith(key.name() + "/")) {
            return false;
        }
        String day = origin.substring(key.name().length() + 1);
        try {
            return day.length() == 10 && LocalDate.parse(day).toString().equals(day);
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private Optional<SignedNote> kept(String origin) {
        return checkpoint(originHash(origin)).map(SignedNote::parse);
    }

    private void keep(String origin, SignedNote note) {
        byte[] bytes = note.format().getBytes(StandardCharsets.UTF_8);
        try {
            DurableFiles.replace(dir.resolve(originHash(origin)),
                    ch -> DurableFiles.writeFully(ch, ByteBuffer.wrap(bytes), 0));
        } catch (IOException e) {
            throw new MetadataStoreException("cannot keep the checkpoint of " + origin + " in " + dir, e);
        }
    }

    private static Answer text(int status, String detail) {
        return new Answer(status, TEXT_TYPE, detail + "\n");
    }

    /** An add-checkpoint body: {@code old N}, proof lines, an empty line, the signed checkpoint. */
    record Request(long oldSize, List<byte[]> proof, SignedNote note, Checkpoint checkpoint) {
        static Request parse(byte[] body) {
            String text;
            try {
                text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
            } catch (CharacterCodingException e) {
                throw new IllegalArgumentException("the body is not UTF-8");
            }
            int blank = text.indexOf("\n\n");
            if (blank < 0) {
                throw new IllegalArgumentException("no empty line before the checkpoint");
            }
            String[] head = text.substring(0, blank).split("\n", -1);
            if (!head[0].matches("old (0|[1-9][0-9]{0,18})")) {
                throw new IllegalArgumentException("the first line is 'old <size>'");
            }
            if (head.length - 1 > MAX_PROOF_LINES) {
                throw new IllegalArgumentException("more than " + MAX_PROOF_LINES + " proof lines");
            }
            List<byte[]> proof = new ArrayList<>();
            for (int i = 1; i < head.length; i++) {
                byte[] h = SignedNote.decodeBase64(head[i], "proof line " + i);
                if (h.length != MerkleTree.HASH_LENGTH) {
                    throw new IllegalArgumentException("proof line " + i + " is not a SHA-256 hash");
                }
                proof.add(h);
            }
            SignedNote note = SignedNote.parse(text.substring(blank + 2));
            return new Request(Long.parseLong(head[0].substring(4)), proof, note, Checkpoint.parse(note.text()));
        }
    }

    /** The body of an add-checkpoint request (for a client: Ebb submitting its checkpoints). */
    public static String requestBody(long oldSize, List<byte[]> proof, SignedNote checkpoint) {
        StringBuilder b = new StringBuilder("old ").append(oldSize).append('\n');
        proof.forEach(h -> b.append(java.util.Base64.getEncoder().encodeToString(h)).append('\n'));
        return b.append('\n').append(checkpoint.format()).toString();
    }
}
