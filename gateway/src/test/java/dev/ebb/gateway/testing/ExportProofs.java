package dev.ebb.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ebb.metadata.InclusionProof;
import dev.ebb.metadata.RecordRef;
import dev.ebb.metadata.SignedTreeHead;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/** The inclusion proofs of an export package, read back from its JSON to be checked as a recipient would. */
public final class ExportProofs {
    private ExportProofs() {
    }

    /** One element of an export's {@code proofs}. */
    public static InclusionProof proof(JsonNode p) throws IOException {
        JsonNode h = p.get("head");
        SignedTreeHead head = new SignedTreeHead(LocalDate.parse(h.get("day").asText()), h.get("treeSize").asLong(),
                h.get("rootHash").binaryValue(), Instant.parse(h.get("timestamp").asText()),
                h.get("previousDay").isNull() ? null : LocalDate.parse(h.get("previousDay").asText()),
                h.get("previousHeadHash").binaryValue(), h.get("signature").binaryValue());
        List<byte[]> path = new ArrayList<>();
        for (JsonNode n : p.get("auditPath")) {
            path.add(n.binaryValue());
        }
        JsonNode ref = p.get("ref");
        return new InclusionProof(new RecordRef(LocalDate.parse(ref.get("day").asText()), ref.get("sequence").asLong()),
                p.get("recordBytes").binaryValue(), path, head);
    }
}
