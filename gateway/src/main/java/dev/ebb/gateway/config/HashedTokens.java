package dev.ebb.gateway.config;

import dev.ebb.metadata.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Bearer tokens held as SHA-256 hashes, each standing for a holder. Tokens are random strings of high entropy, so a
 * plain hash resists guessing as well as a slow password hash would, and checks in microseconds. Every entry is
 * compared in constant time, so the answer's timing says nothing about which entry, or how much of a hash, matched.
 *
 * @param <T> what a token stands for
 */
public final class HashedTokens<T> {
    private final List<Entry<T>> entries;

    /** @param byHash holders by the lowercase hex SHA-256 of their token */
    public HashedTokens(Map<String, T> byHash) {
        this.entries = byHash.entrySet().stream()
                .map(e -> new Entry<>(HexFormat.of().parseHex(e.getKey()), e.getValue())).toList();
    }

    /** The holder of {@code token}, if it is one of the table's. */
    public Optional<T> holderOf(String token) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        byte[] hash = sha256(token);
        T found = null;
        for (Entry<T> e : entries) {
            if (MessageDigest.isEqual(e.hash, hash)) {
                found = e.holder;
            }
        }
        return Optional.ofNullable(found);
    }

    /** The lowercase hex SHA-256 of a token, the value a configuration holds for it. */
    public static String hashOf(String token) {
        return HexFormat.of().formatHex(sha256(token));
    }

    private static byte[] sha256(String token) {
        return Sha256.of(token.getBytes(StandardCharsets.UTF_8));
    }

    private record Entry<T>(byte[] hash, T holder) {
    }
}
