package dev.ebb.gateway.http.api;

import dev.ebb.metadata.TrafficRecord;

/**
 * The customer's {@code reference} of a message: its own label, to find the message again
 * ({@code GET /v1/messages?reference=}) and to match receipts. Not content: it is stored in clear in the traffic record
 * and kept as long as traffic data (12 months), so the API documentation tells customers to put no personal data in it.
 */
final class ClientReference {
    private ClientReference() {
    }

    /**
     * @return {@code reference}, or null for none
     * @throws ApiRefusal 400 on {@code reference} when it is empty, over {@value TrafficRecord#MAX_REFERENCE_LENGTH}
     *                    characters or has a control character or lone surrogate
     */
    static String check(String reference) {
        try {
            TrafficRecord.checkReference(reference);
        } catch (IllegalArgumentException e) {
            throw ApiRefusal.invalid("reference", e.getMessage());
        }
        return reference;
    }
}
