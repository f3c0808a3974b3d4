package dev.ebb.gateway.compliance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.ebb.metadata.Sha256;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

/**
 * Signs what Ebb hands to an authority (deliveries, export packages): SHA-256 over the document's canonical JSON
 * without its {@code integrity} member — object members sorted by name at every level, no whitespace, UTF-8, times as
 * ISO-8601 strings, strings escaped as Jackson writes them (characters outside the BMP as surrogate-pair escapes) —
 * and an Ed25519 signature over that digest with the {@link DeliverySigner}'s key.
 */
public final class SignedJson {
    /** The canonical form's settings; a verifier in Java can use them too. */
    static final ObjectMapper CANONICAL = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();
    private static final String INTEGRITY = "integrity";
    /** How the signed bytes are formed, as the integrity member states it. */
    static final String CANONICALISATION = "JSON without 'integrity', members sorted by name, no whitespace, UTF-8";

    private SignedJson() {
    }

    /**
     * The digest and its signature.
     *
     * @param canonicalisation   how the signed bytes are formed
     * @param digestAlgorithm    SHA-256
     * @param digest             hex digest of the canonical document without this member
     * @param signatureAlgorithm Ed25519
     * @param signature          Base64 signature over the digest's bytes
     * @param publicKey          Base64 X.509 encoding of the key that verifies it
     */
    public record Integrity(String canonicalisation, String digestAlgorithm, String digest, String signatureAlgorithm,
                            String signature, String publicKey) {
    }

    /** The integrity member for {@code unsigned}, a document (a record or map) that has none yet. */
    static Integrity sign(Object unsigned, DeliverySigner signer) {
        byte[] digest = digest(CANONICAL.convertValue(unsigned, Map.class));
        return new Integrity(CANONICALISATION, "SHA-256",
                HexFormat.of().formatHex(digest), "Ed25519", Base64.getEncoder().encodeToString(signer.sign(digest)),
                Base64.getEncoder().encodeToString(signer.publicKey().getEncoded()));
    }

    /**
     * Checks a signed document as received: recomputes the digest over everything but its {@code integrity} member,
     * compares it with the one stated, and checks the signature with {@code key}, which the recipient must have
     * obtained from the provider, not from the document.
     *
     * @return true when nothing was changed and the signature is the key's
     */
    public static boolean verifies(JsonNode document, PublicKey key) {
        if (!(document instanceof ObjectNode object)) {
            return false;
        }
        JsonNode integrity = object.path(INTEGRITY);
        ObjectNode unsigned = object.deepCopy();
        unsigned.remove(INTEGRITY);
        byte[] digest = digest(CANONICAL.convertValue(unsigned, Map.class));
        if (!HexFormat.of().formatHex(digest).equals(integrity.path("digest").asText())) {
            return false;
        }
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(digest);
            return s.verify(Base64.getDecoder().decode(integrity.path("signature").asText()));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    private static byte[] digest(Map<?, ?> unsigned) {
        unsigned.remove(INTEGRITY);
        try {
            return Sha256.of(CANONICAL.writeValueAsBytes(unsigned));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("document cannot be serialised", e);
        }
    }
}
