package dev.ebb.gateway.config;

import java.time.Duration;

/**
 * How long Ebb keeps offering a customer the receipt of a message ({@code receipts:} in {@code ebb.yaml}). A final
 * state whose receipt the customer has not taken (deliver_sm_resp 0, or a 2xx from its receiptUrl) is kept in the
 * receipt outbox on disk and offered again, also after a restart, until {@code retryFor} after the final state; then
 * it is dropped with a RECEIPT_DROPPED traffic record.
 *
 * @param retryFor how long after its final state a receipt is still offered; absent means 24 h. At most 70 h: the
 *                 outbox keeps what it owes in hourly buckets that are destroyed at 72 h, and a receipt must be dropped
 *                 (and recorded as such) before its bucket goes
 */
public record ReceiptsConfig(Duration retryFor) {
    public static final Duration DEFAULT_RETRY_FOR = Duration.ofHours(24);
    public static final Duration MAX_RETRY_FOR = Duration.ofHours(70);

    public ReceiptsConfig {
        retryFor = retryFor == null ? DEFAULT_RETRY_FOR : retryFor;
        ConfigException.require(retryFor.compareTo(Duration.ofMinutes(1)) >= 0 && retryFor.compareTo(MAX_RETRY_FOR) <= 0,
                "receipts.retryFor", "must be PT1M..PT70H, was " + retryFor);
    }

    public static ReceiptsConfig defaults() {
        return new ReceiptsConfig(null);
    }
}
