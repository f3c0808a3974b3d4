package dev.ebb.metadata;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Period;

/**
 * Settings of a {@link MetadataStore}, checked on construction.
 *
 * @param retention         how long whole day cycles are kept; at most 12 months (the legal maximum for traffic
 *                          data, DESIGN "processing table"), a longer value is refused; null means 12 months
 * @param signingKeyFile    PKCS#8 Ed25519 private key used to sign tree heads (public key next to it with suffix
 *                          {@code .pub}); generated if absent; null means {@code <dir>/keys/signing.key}
 * @param treeHeadInterval  how often the current day's tree head is signed during appends; null means 1 minute
 */
public record MetadataStoreConfig(Period retention, Path signingKeyFile, Duration treeHeadInterval) {
    /** The legal maximum, and the default, retention of traffic data. */
    public static final Period MAX_RETENTION = Period.ofMonths(12);
    /** Default interval between signed tree heads of the current day. */
    public static final Duration DEFAULT_TREE_HEAD_INTERVAL = Duration.ofMinutes(1);

    /** Applies defaults and refuses a retention longer than 12 months or not positive. */
    public MetadataStoreConfig {
        retention = retention == null ? MAX_RETENTION : retention.normalized();
        if (retention.isNegative() || retention.isZero() || retention.toTotalMonths() > 12
                || (retention.toTotalMonths() == 12 && retention.getDays() > 0)) {
            throw new IllegalArgumentException("metadata retention may shorten the legal 12 months, never lengthen"
                    + " it (allowed: P1D..P12M), was " + retention);
        }
        treeHeadInterval = treeHeadInterval == null ? DEFAULT_TREE_HEAD_INTERVAL : treeHeadInterval;
        if (treeHeadInterval.isNegative() || treeHeadInterval.isZero()) {
            throw new IllegalArgumentException("metadata treeHeadInterval must be positive, was " + treeHeadInterval);
        }
    }

    /** Defaults: 12 months retention, signing key in the data directory, tree head every minute. */
    public static MetadataStoreConfig defaults() {
        return new MetadataStoreConfig(null, null, null);
    }

    /** A copy with another retention. */
    public MetadataStoreConfig withRetention(Period period) {
        return new MetadataStoreConfig(period, signingKeyFile, treeHeadInterval);
    }
}
