package dev.ebb.gateway.compliance;

/**
 * Who asks and on what grounds, as the transport received it; nothing here is trusted yet.
 *
 * @param bearerToken   the API token, or null
 * @param caseReference the case reference, or null
 * @param legalBasis    the legal basis, or null
 * @param clientAddress the caller's address (IP, or "cli"), for the audit log
 */
public record RequestContext(String bearerToken, String caseReference, String legalBasis, String clientAddress) {
}
