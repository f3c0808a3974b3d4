package dev.ebb.gateway.compliance;

import dev.ebb.gateway.config.ApiTokenConfig;
import dev.ebb.gateway.config.HashedTokens;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The compliance API's tokens, held as SHA-256 hashes. It is a table of its own: customers' SMPP passwords and API
 * keys are not in it, so they never authenticate here.
 */
public final class TokenTable {
    private final HashedTokens<Principal> tokens;

    /** From the configured tokens. */
    public TokenTable(List<ApiTokenConfig> configured) {
        Map<String, Principal> byHash = new LinkedHashMap<>();
        configured.forEach(t -> byHash.put(t.sha256(), new Principal(t.id(), Role.ofConfigName(t.role()))));
        this.tokens = new HashedTokens<>(byHash);
    }

    /** The principal whose token this is (compared in constant time). */
    public Optional<Principal> authenticate(String token) {
        return tokens.holderOf(token);
    }

    /** The lowercase hex SHA-256 of a token, the value configured as {@code compliance.tokens[].sha256}. */
    public static String hashOf(String token) {
        return HashedTokens.hashOf(token);
    }
}
