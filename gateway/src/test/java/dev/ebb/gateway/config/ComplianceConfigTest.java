package dev.ebb.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ebb.gateway.testing.TestConfigs;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ComplianceConfigTest {
    private final ObjectMapper yaml = JsonMapper.builder(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    @Test
    void theProposedYamlShapeReadsWithDefaults() throws Exception {
        ComplianceConfig c = yaml.readValue("""
                host: 127.0.0.1
                port: 8081
                tokens:
                  - id: demo-officer
                    sha256: 71da6db4ef3886790c645429814f12a07d173894fd5fe05449186c5191107a6c
                    role: compliance-officer
                  - id: demo-auditor
                    sha256: d0ad8bb68835a23576c95ef7ddd7c1ffaec451daaf8de46902e7e82b1786886c
                    role: auditor
                """, ComplianceConfig.class);

        assertThat(c.port()).isEqualTo(8081);
        assertThat(c.tokens()).extracting(ApiTokenConfig::role).containsExactly("compliance-officer", "auditor");
        assertThat(c.maxRecordsPerPage()).isEqualTo(ComplianceConfig.DEFAULT_MAX_RECORDS_PER_PAGE);
        assertThat(c.fourEyesThreshold()).isEqualTo(ComplianceConfig.DEFAULT_FOUR_EYES_THRESHOLD);
        assertThat(c.maxBodyBytes()).isEqualTo(ComplianceConfig.DEFAULT_MAX_BODY_BYTES);
        assertThat(c.fourEyesWindow()).isEqualTo(ComplianceConfig.DEFAULT_FOUR_EYES_WINDOW);
        assertThat(c.tls()).isFalse();
    }

    @Test
    void anUnknownRoleIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> new ApiTokenConfig("x", "0".repeat(64), "customer"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("compliance.tokens[x].role");
    }

    @Test
    void aCapOverTheStoresPageLimitIsRefused() {
        assertThatThrownBy(() -> TestConfigs.compliance().maxRecordsPerPage(20_000).build())
                .isInstanceOf(ConfigException.class).hasMessageContaining("compliance.maxRecordsPerPage");
    }

    @Test
    void tlsNeedsBothFiles() {
        assertThatThrownBy(() -> TestConfigs.compliance().tls("cert.pem", null).build())
                .isInstanceOf(ConfigException.class).hasMessageContaining("tlsKeyFile");
    }

    @Test
    void aFourEyesWindowOfNothingOrOverAYearIsRefused() {
        assertThatThrownBy(() -> TestConfigs.compliance().fourEyesWindow(Duration.ZERO).build()).isInstanceOf(ConfigException.class).hasMessageContaining("compliance.fourEyesWindow");
        assertThatThrownBy(() -> TestConfigs.compliance().fourEyesWindow(Duration.ofDays(400)).build()).isInstanceOf(ConfigException.class)
                .hasMessageContaining("compliance.fourEyesWindow");
    }
}
