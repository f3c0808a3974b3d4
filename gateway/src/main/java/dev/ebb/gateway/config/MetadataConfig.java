package dev.ebb.gateway.config;

import java.time.Period;

/** Retention of traffic data (the 12-month row of the processing table). */
public record MetadataConfig(Period retention, String signingKeyFile) {
    public static final Period MAX_RETENTION = Period.ofMonths(12);

    public MetadataConfig {
        retention = retention == null ? MAX_RETENTION : retention.normalized();
        ConfigException.require(!retention.isNegative() && !retention.isZero() && retention.toTotalMonths() <= 12
                        && (retention.toTotalMonths() < 12 || retention.getDays() == 0),
                "metadata.retention", "may shorten the 12-month retention, never lengthen it (allowed: P1D..P12M), was " + retention);
    }
}
