package dev.ebb.gateway.privacy;

import java.time.Instant;
import java.util.Objects;

/**
 * Where one sealed message lives in the {@link ContentVault}. Holds no content, so it may travel through the router
 * and be kept next to the message's metadata; {@link ContentVault#forEachPending} rebuilds it after a restart.
 *
 * @param customerId the customer whose key encrypts the message
 * @param bucket     start of the key bucket the message was written in
 * @param position   byte offset of the record in the customer's file for that bucket
 * @param messageId  the gateway's message id, authenticated with the content
 */
public record VaultHandle(String customerId, Instant bucket, long position, String messageId) {
    public VaultHandle {
        Objects.requireNonNull(customerId, "customerId");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(messageId, "messageId");
        if (position < 0) {
            throw new IllegalArgumentException("position must be >= 0, was " + position);
        }
    }

    BucketId bucketId() {
        return new BucketId(customerId, bucket.toEpochMilli());
    }
}
