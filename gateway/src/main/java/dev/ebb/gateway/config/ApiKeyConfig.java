package dev.ebb.gateway.config;

/**
 * One of a customer's keys for the HTTP API. Only the SHA-256 of the key is configured (keys are random strings of
 * high entropy, like compliance tokens).
 *
 * @param id     a name for the key, so that one can be revoked without the others
 * @param sha256 lowercase hex SHA-256 of the key's UTF-8 bytes ({@code printf %s KEY | sha256sum})
 */
public record ApiKeyConfig(String id, String sha256) {
    public ApiKeyConfig {
        ConfigException.require(id != null && id.matches("[A-Za-z0-9_.@-]{1,64}"), "customers[].apiKeys[].id",
                "must be 1..64 of [A-Za-z0-9_.@-], was " + id);
        ConfigException.require(sha256 != null && sha256.matches("[0-9a-f]{64}"),
                "customers[].apiKeys[" + id + "].sha256", "must be 64 lowercase hex digits (SHA-256 of the key)");
    }
}
