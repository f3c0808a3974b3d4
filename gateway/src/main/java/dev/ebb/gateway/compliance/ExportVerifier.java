package dev.ebb.gateway.compliance;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.ebb.metadata.Checkpoint;
import dev.ebb.metadata.Cosignature;
import dev.ebb.metadata.MerkleTree;
import dev.ebb.metadata.NoteVerifierKey;
import dev.ebb.metadata.SignedNote;
import dev.ebb.metadata.TlogProof;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * Checks an export package offline, with nothing of Ebb's but the file: each record's C2SP tlog-proof against its
 * day's checkpoint (the log's signature, a valid cosignature of every witness key given, the origin of the record's
 * day, the index of the record, the inclusion proof from the record as stored to the checkpoint's root), then the
 * provider's signature over the whole package. Stops at the first check that fails and names it.
 *
 * <p>Trust: the witness keys are the anchor. A witness cosigns only a checkpoint signed by the log key it was set up
 * with, consistent with every one it cosigned before; so a package whose checkpoints carry the regulator's own
 * witness's cosignatures proves its records are in the one history everybody was shown. The log key and the provider
 * key may be given too; otherwise the ones the package names are used, and the report says so.
 */
public final class ExportVerifier {
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    private static final Set<String> INTEGRITY_FIELDS = Set.of("canonicalisation", "digestAlgorithm", "digest",
            "signatureAlgorithm", "signature", "publicKey");

    private ExportVerifier() {
    }

    /**
     * What was checked.
     *
     * @param passed  the checks that passed, in order
     * @param failure the check that failed and why, or null when all passed
     */
    public record Report(List<String> passed, String failure) {
        /** True when every check passed. */
        public boolean ok() {
            return failure == null;
        }
    }

    /** Thrown by a check: its name and what was found. */
    private static final class Failed extends Exception {
        Failed(String check) {
            super(check, null, false, false);
        }
    }

    /**
     * Verifies {@code file}.
     *
     * @param witnessKeys cosignature vkeys; every checkpoint must carry a valid cosignature of each
     * @param logKey      the log's vkey, or null to use the package's
     * @param providerKey the provider's delivery key, or null to use the package's
     */
    public static Report verify(byte[] file, List<NoteVerifierKey> witnessKeys, NoteVerifierKey logKey,
                                PublicKey providerKey) {
        List<String> passed = new ArrayList<>();
        try {
            check(file, witnessKeys, logKey, providerKey, passed);
            return new Report(passed, null);
        } catch (Failed f) {
            return new Report(passed, f.getMessage());
        }
    }

    private static void check(byte[] file, List<NoteVerifierKey> witnessKeys, NoteVerifierKey given,
                              PublicKey providerKey, List<String> passed) throws Failed {
        JsonNode doc;
        try {
            doc = STRICT.readTree(file);
        } catch (IOException e) {
            throw new Failed("package: not a JSON document (" + e.getClass().getSimpleName() + ")");
        }
        JsonNode records = doc.path("records");
        JsonNode proofs = doc.path("tlogProofs");
        if (!doc.isObject() || !records.isArray() || !proofs.isArray() || !doc.path("logKey").isTextual()
                || !doc.path("integrity").isObject()) {
            throw new Failed("package: not an export package (records, tlogProofs, logKey and integrity expected)");
        }
        if (records.size() != proofs.size()) {
            throw new Failed("package: " + records.size() + " records but " + proofs.size() + " tlog proofs");
        }
        NoteVerifierKey named;
        try {
            named = NoteVerifierKey.parse(doc.path("logKey").asText());
        } catch (IllegalArgumentException e) {
            throw new Failed("log key: the package's logKey is not a verifier key (" + e.getMessage() + ")");
        }
        if (given != null && !given.equals(named)) {
            throw new Failed("log key: the package names " + named + ", not the key given");
        }
        NoteVerifierKey logKey = given != null ? given : named;
        if (logKey.type() != NoteVerifierKey.TYPE_ED25519) {
            // A cosignature key (a witness's) signs no checkpoint: it cannot stand for the log.
            throw new Failed("log key: " + logKey.name() + " is not a key that signs checkpoints (type "
                    + logKey.type() + ")");
        }
        passed.add("package: " + records.size() + " records, log key " + logKey
                + (given != null ? " (as given)" : " (as the package names it; the witnesses vouch for it)"));
        for (int i = 0; i < records.size(); i++) {
            checkRecord(i, records.get(i), proofs.get(i), logKey, witnessKeys);
        }
        passed.add("tlog proofs: every record is in its day's checkpoint, signed by " + logKey.name()
                + " and cosigned by " + witnessKeys.stream().map(NoteVerifierKey::name).toList());
        JsonNode integrity = doc.path("integrity");
        PublicKey key = providerKey != null ? providerKey : packageKey(integrity);
        Set<String> fields = new java.util.HashSet<>();
        integrity.fieldNames().forEachRemaining(fields::add);
        if (!fields.equals(INTEGRITY_FIELDS) || !SignedJson.CANONICALISATION.equals(integrity.path("canonicalisation")
                .asText()) || !"SHA-256".equals(integrity.path("digestAlgorithm").asText())
                || !"Ed25519".equals(integrity.path("signatureAlgorithm").asText())
                || (providerKey != null && !Arrays.equals(providerKey.getEncoded(), packageKey(integrity).getEncoded()))) {
            throw new Failed("provider signature: the integrity member is not Ebb's (fields, algorithms or key)");
        }
        for (String b64 : List.of("signature", "publicKey")) {
            String v = integrity.path(b64).asText();
            // Base64's unused low bits would let a byte change outside the digest go unseen: one spelling only.
            if (!Base64.getEncoder().encodeToString(decode(v)).equals(v)) {
                throw new Failed("provider signature: the integrity member's " + b64 + " is not canonical base64");
            }
        }
        if (!SignedJson.verifies(doc, key)) {
            throw new Failed("provider signature: the package was changed after it was signed (digest or Ed25519 "
                    + "signature does not match)");
        }
        passed.add("provider signature: valid" + (providerKey != null ? " (key as given)"
                : " (key as the package names it)"));
    }

    private static void checkRecord(int i, JsonNode record, JsonNode proofText, NoteVerifierKey logKey,
                                    List<NoteVerifierKey> witnessKeys) throws Failed {
        String day = record.path("day").asText();
        long sequence = record.path("sequence").asLong(-1);
        String where = "record " + i + " (" + day + " #" + sequence + "): ";
        if (proofText.isNull()) {
            // Another node signs its own checkpoints; this package has that record's proof against its head only.
            throw new Failed(where + "tlog proof: none, the record is another cluster node's (see proofKeys);"
                    + " that node's own export proves it against its checkpoints");
        }
        if (!proofText.isTextual()) {
            throw new Failed(where + "tlog proof: not a string");
        }
        TlogProof proof;
        Checkpoint cp;
        try {
            proof = TlogProof.parse(proofText.asText());
            cp = Checkpoint.parse(proof.checkpoint().text());
        } catch (IllegalArgumentException e) {
            throw new Failed(where + "tlog proof: malformed (" + e.getMessage() + ")");
        }
        SignedNote note = proof.checkpoint();
        if (!note.verifiedBy(logKey)) {
            throw new Failed(where + "checkpoint: not signed by the log key " + logKey.name());
        }
        if (!cp.origin().equals(logKey.name() + "/" + day)) {
            throw new Failed(where + "checkpoint: origin " + cp.origin() + " is not the log of day " + day);
        }
        for (NoteVerifierKey w : witnessKeys) {
            if (Cosignature.verify(note, w).isEmpty()) {
                throw new Failed(where + "checkpoint: no valid cosignature of witness " + w.name());
            }
        }
        if (proof.index() != sequence) {
            throw new Failed(where + "tlog proof: for index " + proof.index() + ", not the record's " + sequence);
        }
        if (proof.extra() == null) {
            throw new Failed(where + "tlog proof: no record (extra line) to prove");
        }
        if (!MerkleTree.verifyInclusion(MerkleTree.leafHash(proof.extra()), proof.index(), cp.size(), proof.path(),
                cp.rootHash())) {
            throw new Failed(where + "inclusion proof: does not lead from the record to the root of the checkpoint "
                    + "of size " + cp.size());
        }
    }

    private static byte[] decode(String base64) throws Failed {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new Failed("provider signature: the integrity member holds a value that is not base64");
        }
    }

    private static PublicKey packageKey(JsonNode integrity) throws Failed {
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(
                    Base64.getDecoder().decode(integrity.path("publicKey").asText())));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new Failed("provider signature: the package's key is not an Ed25519 key");
        }
    }
}
