package dev.ebb.gateway.compliance;

/**
 * An authenticated compliance API caller.
 *
 * @param tokenId the configured id of the token used (the token itself is never kept)
 * @param role    its role
 */
public record Principal(String tokenId, Role role) {
}
