package dev.ebb.gateway.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads {@code ebb.yaml} into {@link EbbConfig}; unknown keys are errors, so a typo never silently means a default. */
public final class ConfigLoader {
    private final ObjectMapper yaml = JsonMapper.builder(new YAMLFactory())
            .addModule(new JavaTimeModule())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .build();

    /**
     * The configuration a command starts with: {@code file}, and the key-encryption key file named by
     * {@value KeysConfig#KEK_FILE_ENV} when that is set.
     */
    public EbbConfig load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            EbbConfig config = read(in, file.toString());
            return config.withKeys(config.keys().withEnvironment(System.getenv()));
        } catch (IOException e) {
            throw new ConfigException(file.toString(), "cannot be read: " + e.getMessage());
        }
    }

    public EbbConfig read(InputStream in, String source) throws IOException {
        try {
            return yaml.readValue(in, EbbConfig.class);
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof ConfigException config) {
                throw config;
            }
            throw new ConfigException(source + " at " + e.getPathReference(), e.getOriginalMessage());
        }
    }
}
