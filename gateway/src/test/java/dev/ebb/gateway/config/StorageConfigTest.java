package dev.ebb.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code storage.durability}, {@code fsyncInterval} and {@code fsyncBatch}: defaults, and refusals naming the key. */
class StorageConfigTest {
    private final ConfigLoader loader = new ConfigLoader();

    @Test
    void withoutDurabilityMessagesAreAcknowledgedFromThePageCache() throws Exception {
        StorageConfig storage = read("dataDir: data\n").storage();

        assertThat(storage.durability()).isEqualTo(Durability.PROCESS);
        assertThat(storage.fsyncInterval()).isEqualTo(Duration.ofMillis(2));
        assertThat(storage.fsyncBatch()).isEqualTo(256);
    }

    @Test
    void fsyncModeTakesItsIntervalAndBatch() throws Exception {
        StorageConfig storage = read("storage: {durability: fsync, fsyncInterval: PT0.005S, fsyncBatch: 64}\n")
                .storage();

        assertThat(storage.durability()).isEqualTo(Durability.FSYNC);
        assertThat(storage.fsyncInterval()).isEqualTo(Duration.ofMillis(5));
        assertThat(storage.fsyncBatch()).isEqualTo(64);
        assertThat(storage.minFreeBytes()).isEqualTo(StorageConfig.DEFAULT_MIN_FREE_BYTES);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "durability: sync|storage.durability: must be process or fsync, was sync",
            "durability: FSYNC|storage.durability: must be process or fsync, was FSYNC",
            "fsyncInterval: PT2S|storage.fsyncInterval: must be PT0S..PT1S (ISO-8601, e.g. PT0.002S for 2 ms), was PT2S",
            "fsyncInterval: PT-0.001S|storage.fsyncInterval: must be PT0S..PT1S",
            "fsyncBatch: 0|storage.fsyncBatch: must be 1..65536 acknowledgements per fsync, was 0",
            "fsyncBatch: 65537|storage.fsyncBatch: must be 1..65536 acknowledgements per fsync, was 65537"})
    void aBadValueIsRefusedAtStartUpNamingItsKeyAndRange(String entry, String message) {
        assertThatThrownBy(() -> read("storage: {" + entry + "}\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining(message);
    }

    private EbbConfig read(String yaml) throws Exception {
        return loader.read(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "ebb.yaml");
    }
}
