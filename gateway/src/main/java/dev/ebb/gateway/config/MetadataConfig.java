package dev.ebb.gateway.config;

import dev.ebb.metadata.MetadataStoreConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Period;

/**
 * Retention of traffic data (the 12-month row of the processing table). The store's own config checks the
 * limits; this record only names the YAML keys and turns a refusal into a start-up error naming them.
 */
public record MetadataConfig(Period retention, String signingKeyFile, Duration treeHeadInterval) {
    public MetadataConfig {
        try {
            MetadataStoreConfig checked = new MetadataStoreConfig(retention, null, treeHeadInterval);
            retention = checked.retention();
            treeHeadInterval = checked.treeHeadInterval();
        } catch (IllegalArgumentException e) {
            throw new ConfigException("metadata", e.getMessage());
        }
    }

    public MetadataStoreConfig storeConfig() {
        return new MetadataStoreConfig(retention, signingKeyFile == null ? null : Path.of(signingKeyFile), treeHeadInterval);
    }
}
