package dev.ebb.gateway.config;

import java.util.Set;

/**
 * One compliance API token. Only the SHA-256 of the token is configured: tokens are random strings of high entropy,
 * so a plain hash resists guessing as well as a slow password hash would, and checks in microseconds.
 *
 * @param id     a name for the token holder, written to the audit log (never the token itself)
 * @param sha256 lowercase hex SHA-256 of the token's UTF-8 bytes ({@code printf %s TOKEN | sha256sum})
 * @param role   {@code compliance-officer}, {@code auditor} or {@code admin}
 */
public record ApiTokenConfig(String id, String sha256, String role) {
    /** The role names a token may carry. */
    public static final Set<String> ROLES = Set.of("compliance-officer", "auditor", "admin");

    public ApiTokenConfig {
        ConfigException.require(id != null && id.matches("[A-Za-z0-9_.@-]{1,64}"), "compliance.tokens[].id",
                "must be 1..64 of [A-Za-z0-9_.@-], was " + id);
        ConfigException.require(sha256 != null && sha256.matches("[0-9a-f]{64}"), "compliance.tokens[" + id + "].sha256",
                "must be 64 lowercase hex digits (SHA-256 of the token)");
        ConfigException.require(role != null && ROLES.contains(role), "compliance.tokens[" + id + "].role",
                "must be one of " + ROLES + ", was " + role);
    }
}
