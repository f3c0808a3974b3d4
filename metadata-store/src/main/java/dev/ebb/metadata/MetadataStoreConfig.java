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
 * @param logName           the name of the log's C2SP checkpoints: the key name of their signatures and the prefix
 *                          of their origins, {@code <logName>/<yyyy-mm-dd>} per day; a schema-less URL such as
 *                          {@code compliance.example.com/v1/tlog} (so that an origin is its tiles' URL prefix); no
 *                          spaces, no {@code +}, no trailing {@code /}; null means {@value #DEFAULT_LOG_NAME}
 */
public record MetadataStoreConfig(Period retention, Path signingKeyFile, Duration treeHeadInterval, String logName) {
    /** The legal maximum, and the default, retention of traffic data. */
    public static final Period MAX_RETENTION = Period.ofMonths(12);
    /** Default interval between signed tree heads of the current day. */
    public static final Duration DEFAULT_TREE_HEAD_INTERVAL = Duration.ofMinutes(1);
    /** Default log name: a provider sets its own, so that its origins are unique. */
    public static final String DEFAULT_LOG_NAME = "localhost/ebb";

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
        logName = logName == null ? DEFAULT_LOG_NAME : logName;
        if (logName.isEmpty() || logName.endsWith("/") || !logName.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '+')) {
            throw new IllegalArgumentException("metadata logName must be printable ASCII without spaces, '+' or a "
                    + "trailing '/', was '" + logName + "'");
        }
    }

    /** With the default log name. */
    public MetadataStoreConfig(Period retention, Path signingKeyFile, Duration treeHeadInterval) {
        this(retention, signingKeyFile, treeHeadInterval, null);
    }

    /** A copy with another log name. */
    public MetadataStoreConfig withLogName(String name) {
        return new MetadataStoreConfig(retention, signingKeyFile, treeHeadInterval, name);
    }

    /** Defaults: 12 months retention, signing key in the data directory, tree head every minute. */
    public static MetadataStoreConfig defaults() {
        return new MetadataStoreConfig(null, null, null, null);
    }

    /** A copy with another retention. */
    public MetadataStoreConfig withRetention(Period period) {
        return new MetadataStoreConfig(period, signingKeyFile, treeHeadInterval, logName);
    }
}
