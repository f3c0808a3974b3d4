package dev.ebb.gateway.config;

import dev.ebb.gateway.core.ContentRetention;
import java.time.Duration;

/**
 * Conveyance of content (the 72 h row of the processing table, DESIGN.md).
 *
 * @param retention the longest any content may exist; may be shortened, never lengthened
 * @param bucket    width of a key bucket: content dies when its bucket's oldest possible message reaches retention
 */
public record ContentConfig(Duration retention, Duration bucket) {
    /** GDPR Art. 6(1)(f) conveyance only, as promised in the customer DPA. */
    public static final Duration MAX_RETENTION = ContentRetention.LONGEST;

    public ContentConfig {
        retention = retention == null ? MAX_RETENTION : retention;
        ConfigException.require(!retention.isNegative() && !retention.isZero() && retention.compareTo(MAX_RETENTION) <= 0,
                "content.retention", "may shorten the 72 h conveyance limit, never lengthen it (allowed: 1s..PT72H), was " + retention);
        bucket = bucket == null ? Duration.ofHours(1) : bucket;
        ConfigException.require(bucket.toSeconds() >= 1 && bucket.compareTo(retention) < 0,
                "content.bucket", "must be at least 1s and shorter than content.retention, was " + bucket);
    }

    /** 72 h retention in buckets of an hour. */
    public static ContentConfig defaults() {
        return new ContentConfig(null, null);
    }

    /** The longest a message may still wait for delivery: the last second of a bucket lives retention minus its width. */
    public Duration maxValidity() {
        return retention.minus(bucket);
    }
}
