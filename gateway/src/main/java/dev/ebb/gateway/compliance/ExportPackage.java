package dev.ebb.gateway.compliance;

import dev.ebb.metadata.InclusionProof;
import dev.ebb.metadata.MetadataStore;
import dev.ebb.metadata.QueryPage;
import dev.ebb.metadata.RecordRef;
import dev.ebb.metadata.SignedTreeHead;
import dev.ebb.metadata.TrafficQuery;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a recipient needs to check a disclosure for a case on their own: the records, the query that found
 * them, the audit entry written before it ran, and the integrity proof — each record's RFC 6962 inclusion proof
 * against a signed tree head of its day, with the Ed25519 key that signed the heads. A recipient checks each proof
 * with {@link InclusionProof#verify(InclusionProof, java.security.PublicKey)}; the proof's record bytes are the
 * record as stored (identifiers sealed), so they commit to the record without revealing more.
 *
 * <p>The same proofs also come in the standard form: a C2SP tlog-proof per record ({@code tlogProofs}, same order)
 * against its day's checkpoint with the cosignatures witnesses gave it, the record as stored as its extra data, and
 * the log's vkey ({@code logKey}); {@code ebb audit verify-export} checks them offline with a witness's key.
 *
 * @param caseReference   the case
 * @param legalBasis      the legal basis given
 * @param requestId       the audit request id
 * @param createdAt       when the package was made
 * @param criteria        the query as given
 * @param window          the window as run: {@code from} (inclusive) and {@code to} (exclusive)
 * @param auditEntry      the audit entry written before the query ran
 * @param records         the records, in time order
 * @param proofs          one inclusion proof per record, in the same order
 * @param signedTreeHeads the distinct heads the proofs lead to
 * @param publicKey       Base64 X.509 encoding of the Ed25519 key that verifies the heads of this node's store
 * @param proofKeys       per proof, in the same order, the Base64 X.509 key of the store the record came from, which
 *                        verifies its head: {@code publicKey} for each record of this node, another node's key in
 *                        cluster mode
 * @param logKey          the vkey of this node's checkpoints (the same key under the log name)
 * @param tlogProofs      per record, in the same order, a C2SP tlog-proof; null for a record of another cluster node,
 *                        whose checkpoints are that node's to publish (its inclusion proof and proof key remain)
 * @param continuation    token for the next page when the cap was reached, or null
 * @param integrity       the provider's signature over all of the above ({@link SignedJson}): the proofs show each
 *                        record is in the append-only store as sealed there; the signature vouches for the disclosed
 *                        values and that no record was left out of or added to the page
 */
public record ExportPackage(String caseReference, String legalBasis, String requestId, Instant createdAt,
                            Map<String, String> criteria, Map<String, Instant> window, AuditEntry auditEntry,
                            List<DisclosedRecord> records, List<InclusionProof> proofs,
                            List<SignedTreeHead> signedTreeHeads, String publicKey, List<String> proofKeys,
                            String logKey, List<String> tlogProofs, String continuation,
                            SignedJson.Integrity integrity) {

    /**
     * The signed package of one page of records, with an inclusion proof per record against its day's head and, for
     * each record of this node's store, a tlog-proof against its day's checkpoint, which the witnesses are asked to
     * cosign first.
     *
     * @param local this node's store: the checkpoints, which only it signs
     */
    static ExportPackage of(RetentionView store, MetadataStore local, AuditEntry entry, TrafficQuery query,
                            QueryPage page, Instant createdAt, DeliverySigner signer, Witnesses witnesses) {
        List<RetentionView.Proven> proven = store.inclusionProofs(page.records());
        List<InclusionProof> proofs = proven.stream().map(RetentionView.Proven::proof).toList();
        List<String> proofKeys = proven.stream().map(p -> base64(p.key())).toList();
        List<RecordRef> refs = new ArrayList<>();
        for (int i = 0; i < proven.size(); i++) {
            refs.add(proven.get(i).key().equals(local.publicKey()) ? page.records().get(i).ref() : null);
        }
        List<SignedTreeHead> heads = proofs.stream().map(InclusionProof::head).distinct().toList();
        refs.stream().filter(Objects::nonNull).map(RecordRef::day).distinct().forEach(witnesses::cosign);
        List<String> tlogProofs = refs.stream().map(ref -> ref == null ? null : local.tlogProof(ref).format())
                .toList();
        AuditEvent event = entry.event();
        ExportPackage unsigned = new ExportPackage(event.caseReference(), event.legalBasis(), event.requestId(),
                createdAt, event.criteria(), Map.of("from", query.from(), "to", query.to()), entry,
                page.records().stream().map(DisclosedRecord::of).toList(), proofs, heads,
                base64(store.publicKey()), proofKeys, local.logKey().toString(), tlogProofs,
                page.continuation().orElse(null), null);
        return new ExportPackage(unsigned.caseReference, unsigned.legalBasis, unsigned.requestId, createdAt,
                unsigned.criteria, unsigned.window, entry, unsigned.records, proofs, heads, unsigned.publicKey,
                proofKeys, unsigned.logKey, tlogProofs, unsigned.continuation, SignedJson.sign(unsigned, signer));
    }

    private static String base64(PublicKey key) {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }
}
