package dev.ebb.gateway.http.compliance;

import dev.ebb.gateway.compliance.Action;
import dev.ebb.gateway.compliance.ComplianceService;
import dev.ebb.gateway.compliance.Principal;
import dev.ebb.metadata.Sha256;
import java.security.PublicKey;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * What a client needs to know of its caller and of the provider, no data (for the console, and for any client):
 * <ul>
 *   <li>{@code GET /v1/whoami}: the token's id and role</li>
 *   <li>{@code GET /v1/keys/delivery}: the Ed25519 public key that verifies deliveries and export packages</li>
 * </ul>
 */
final class CallerRoutes {
    private CallerRoutes() {
    }

    static List<Route> of(ComplianceService service, Rendering render) {
        return List.of(
                Route.get("/v1/whoami", Action.READ_OWN_TOKEN, x -> {
                    x.query(Set.of());
                    Principal who = service.readOwnToken(x.ctx());
                    return render.json(200, new Caller(who.tokenId(), who.role().configName()));
                }),
                Route.get("/v1/keys/delivery", Action.READ_DELIVERY_KEY, x -> {
                    x.query(Set.of());
                    PublicKey key = service.deliveryKey(x.ctx());
                    return render.json(200, new Key("Ed25519",
                            Base64.getEncoder().encodeToString(key.getEncoded()),
                            HexFormat.of().formatHex(Sha256.of(key.getEncoded()))));
                }));
    }

    /** The caller as JSON. */
    private record Caller(String tokenId, String role) {
    }

    /**
     * A public key as JSON.
     *
     * @param publicKey Base64 of its X.509 SubjectPublicKeyInfo, as a document's {@code integrity.publicKey} names it
     * @param sha256    hex SHA-256 of those bytes, to compare by eye or over the phone
     */
    private record Key(String algorithm, String publicKey, String sha256) {
    }
}
