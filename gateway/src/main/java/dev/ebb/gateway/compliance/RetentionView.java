package dev.ebb.gateway.compliance;

import dev.ebb.metadata.InclusionProof;
import dev.ebb.metadata.MetadataStore;
import dev.ebb.metadata.QueryPage;
import dev.ebb.metadata.StoredRecord;
import dev.ebb.metadata.TrafficQuery;
import dev.ebb.metadata.VerifyReport;
import java.security.PublicKey;
import java.time.LocalDate;
import java.util.List;

/**
 * The traffic records that retention queries, disclosures and exports read: this node's store when Ebb runs alone,
 * every node's records in cluster mode. Pages come in time order with a continuation token of the view's own; each
 * record's proof is against a signed head of the store it came from and comes with that store's key.
 */
public interface RetentionView {
    /** One page of records matching {@code query}, in time order (see {@link MetadataStore#query}). */
    QueryPage query(TrafficQuery query);

    /**
     * The inclusion proofs of records this view returned, in the order given.
     *
     * @throws IllegalArgumentException if one of them is in no store of the view
     */
    List<Proven> inclusionProofs(List<StoredRecord> records);

    /** The key that verifies the heads of this node's own store. */
    PublicKey publicKey();

    /** Verifies this node's own store (each node verifies its own; see {@link MetadataStore#verify}). */
    VerifyReport verify(LocalDate from, LocalDate to);

    /**
     * A record's proof and the key of the store it came from.
     *
     * @param proof its RFC 6962 inclusion proof against a signed head of that store
     * @param key   the Ed25519 key that verifies that store's heads
     */
    record Proven(InclusionProof proof, PublicKey key) {
    }

    /** This node's store alone. */
    static RetentionView of(MetadataStore store) {
        return new RetentionView() {
            @Override
            public QueryPage query(TrafficQuery query) {
                return store.query(query);
            }

            @Override
            public List<Proven> inclusionProofs(List<StoredRecord> records) {
                return store.inclusionProofs(records.stream().map(StoredRecord::ref).toList()).stream()
                        .map(p -> new Proven(p, store.publicKey())).toList();
            }

            @Override
            public PublicKey publicKey() {
                return store.publicKey();
            }

            @Override
            public VerifyReport verify(LocalDate from, LocalDate to) {
                return store.verify(from, to);
            }
        };
    }
}
