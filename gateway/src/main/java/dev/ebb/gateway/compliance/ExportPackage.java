package dev.ebb.gateway.compliance;

import dev.ebb.metadata.InclusionProof;
import dev.ebb.metadata.QueryPage;
import dev.ebb.metadata.SignedTreeHead;
import dev.ebb.metadata.TrafficQuery;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Everything a recipient needs to check a disclosure for a case on their own: the records, the query that found
 * them, the audit entry written before it ran, and the integrity proof — each record's RFC 6962 inclusion proof
 * against a signed tree head of its day, with the Ed25519 key that signed the heads. A recipient checks each proof
 * with {@link InclusionProof#verify(InclusionProof, java.security.PublicKey)}; the proof's record bytes are the
 * record as stored (identifiers sealed), so they commit to the record without revealing more.
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
 * @param continuation    token for the next page when the cap was reached, or null
 * @param integrity       the provider's signature over all of the above ({@link SignedJson}): the proofs show each
 *                        record is in the append-only store as sealed there; the signature vouches for the disclosed
 *                        values and that no record was left out of or added to the page
 */
public record ExportPackage(String caseReference, String legalBasis, String requestId, Instant createdAt,
                            Map<String, String> criteria, Map<String, Instant> window, AuditEntry auditEntry,
                            List<DisclosedRecord> records, List<InclusionProof> proofs,
                            List<SignedTreeHead> signedTreeHeads, String publicKey, List<String> proofKeys,
                            String continuation,
                            SignedJson.Integrity integrity) {

    /** The signed package of one page of records, with an inclusion proof per record against its day's head. */
    static ExportPackage of(RetentionView store, AuditEntry entry, TrafficQuery query, QueryPage page,
                            Instant createdAt, DeliverySigner signer) {
        List<RetentionView.Proven> proven = store.inclusionProofs(page.records());
        List<InclusionProof> proofs = proven.stream().map(RetentionView.Proven::proof).toList();
        List<String> proofKeys = proven.stream().map(p -> base64(p.key())).toList();
        List<SignedTreeHead> heads = proofs.stream().map(InclusionProof::head).distinct().toList();
        AuditEvent event = entry.event();
        ExportPackage unsigned = new ExportPackage(event.caseReference(), event.legalBasis(), event.requestId(),
                createdAt, event.criteria(), Map.of("from", query.from(), "to", query.to()), entry,
                page.records().stream().map(DisclosedRecord::of).toList(), proofs, heads,
                base64(store.publicKey()), proofKeys, page.continuation().orElse(null), null);
        return new ExportPackage(unsigned.caseReference, unsigned.legalBasis, unsigned.requestId, createdAt,
                unsigned.criteria, unsigned.window, entry, unsigned.records, proofs, heads, unsigned.publicKey,
                proofKeys, unsigned.continuation, SignedJson.sign(unsigned, signer));
    }

    private static String base64(PublicKey key) {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }
}
