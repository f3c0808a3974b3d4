package dev.ebb.gateway.config;

import dev.ebb.metadata.MetadataStoreConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Period;
import java.util.List;

/**
 * Retention of traffic data (the 12-month row of the processing table) and how its log is published. The store's own
 * config checks the limits; this record only names the YAML keys and turns a refusal into a start-up error naming
 * them.
 *
 * @param logName   the checkpoints' key name and origin prefix ({@link MetadataStoreConfig#logName()}); absent means
 *                  {@value MetadataStoreConfig#DEFAULT_LOG_NAME}
 * @param witnesses witnesses each new checkpoint is submitted to; absent means none
 */
public record MetadataConfig(Period retention, String signingKeyFile, Duration treeHeadInterval, String logName,
                             List<WitnessConfig> witnesses) {
    public MetadataConfig {
        try {
            MetadataStoreConfig checked = new MetadataStoreConfig(retention, null, treeHeadInterval, logName);
            retention = checked.retention();
            treeHeadInterval = checked.treeHeadInterval();
            logName = checked.logName();
        } catch (IllegalArgumentException e) {
            throw new ConfigException("metadata", e.getMessage());
        }
        witnesses = witnesses == null ? List.of() : List.copyOf(witnesses);
    }

    /** Retention, key and interval; the default log name and no witnesses. */
    public MetadataConfig(Period retention, String signingKeyFile, Duration treeHeadInterval) {
        this(retention, signingKeyFile, treeHeadInterval, null, null);
    }

    public MetadataStoreConfig storeConfig() {
        return new MetadataStoreConfig(retention, signingKeyFile == null ? null : Path.of(signingKeyFile),
                treeHeadInterval, logName);
    }
}
