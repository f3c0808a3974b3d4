package dev.ebb.gateway.compliance;

import dev.ebb.gateway.config.ApiTokenConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The compliance API's tokens, held as SHA-256 hashes. It is a table of its own: customers' SMPP passwords and API
 * keys are not in it, so they never authenticate here.
 */
public final class TokenTable {
    private final List<Entry> entries;

    /** From the configured tokens. */
    public TokenTable(List<ApiTokenConfig> tokens) {
        this.entries = tokens.stream().map(t -> new Entry(HexFormat.of().parseHex(t.sha256()),
                new Principal(t.id(), Role.ofConfigName(t.role())))).toList();
    }

    /**
     * The principal whose token this is. Every entry is compared in constant time, so the answer's timing says
     * nothing about which entry, or how much of a hash, matched.
     */
    public Optional<Principal> authenticate(String token) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        byte[] hash = sha256(token);
        Principal found = null;
        for (Entry e : entries) {
            if (MessageDigest.isEqual(e.hash, hash)) {
                found = e.principal;
            }
        }
        return Optional.ofNullable(found);
    }

    /** The lowercase hex SHA-256 of a token, the value configured as {@code compliance.tokens[].sha256}. */
    public static String hashOf(String token) {
        return HexFormat.of().formatHex(sha256(token));
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    private record Entry(byte[] hash, Principal principal) {
    }
}
