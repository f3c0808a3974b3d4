package dev.ebb.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
    private final ConfigLoader loader = new ConfigLoader();

    @Test
    void theShippedConfigLoadsWithTheDemoCustomerAndTheSimulator() {
        EbbConfig config = loader.load(Path.of("..", "config", "ebb.yaml"));

        assertThat(config.smpp().port()).isEqualTo(2775);
        assertThat(config.metrics().port()).isEqualTo(9464);
        assertThat(config.simulator().enabled()).isTrue();
        assertThat(config.customersBySystemId()).containsKey("demo");
        assertThat(PasswordHash.matches("demo1234", config.customersBySystemId().get("demo").smpp().passwordHash())).isTrue();
        assertThat(config.content().retention()).isEqualTo(Duration.ofHours(72));
    }

    @Test
    void contentRetentionAbove72HoursIsRefusedAtStartUp() {
        assertThatThrownBy(() -> read("content:\n  retention: PT73H\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("content.retention").hasMessageContaining("72");
    }

    @Test
    void metadataRetentionAbove12MonthsIsRefusedAtStartUp() {
        assertThatThrownBy(() -> read("metadata:\n  retention: P13M\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("metadata").hasMessageContaining("12 months");
    }

    @Test
    void shorterRetentionsAreAccepted() throws Exception {
        EbbConfig config = read("content:\n  retention: PT24H\nmetadata:\n  retention: P6M\n");

        assertThat(config.content().maxValidity()).isEqualTo(Duration.ofHours(23));
    }

    @Test
    void eachHttpListenerTakesItsOwnLimitsAndDefaultsTheRest() throws Exception {
        EbbConfig config = read("http:\n  port: 8080\n  limits: {headerTimeout: PT2S, maxConnectionsPerAddress: 8}\n"
                + "compliance:\n  port: 8081\n  limits: {maxConnections: 50}\n");

        assertThat(config.http().limits()).isEqualTo(new HttpLimitsConfig(Duration.ofSeconds(2),
                HttpLimitsConfig.DEFAULT_REQUEST_TIMEOUT, HttpLimitsConfig.DEFAULT_MAX_CONNECTIONS, 8));
        assertThat(config.compliance().limits().maxConnections()).isEqualTo(50);
        assertThat(config.compliance().limits().maxConnectionsPerAddress()).isEqualTo(50);
        assertThat(config.metrics().limits()).isEqualTo(HttpLimitsConfig.defaults());
    }

    @Test
    void aHeaderDeadlineLongerThanTheRequestDeadlineIsRefused() {
        assertThatThrownBy(() -> read("http:\n  limits: {headerTimeout: PT40S}\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("limits.requestTimeout");
    }

    @Test
    void aTypoInAKeyIsAnErrorNotASilentDefault() {
        assertThatThrownBy(() -> read("smpp:\n  prot: 2775\n")).isInstanceOf(ConfigException.class).hasMessageContaining("prot");
    }

    @Test
    void aRouteToAnUnknownConnectorIsRefused() {
        assertThatThrownBy(() -> read("routes:\n  - prefix: \"47\"\n    connector: nowhere\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("nowhere");
    }

    @Test
    void receiptsPreferTheSubmittingBindUnlessTheCustomerSaysAny() throws Exception {
        String customer = "customers:\n  - id: x\n    smpp:\n      systemId: x\n      passwordHash: \""
                + PasswordHash.hash("x") + "\"\n";

        assertThat(read(customer).customersBySystemId().get("x").smpp().receiptBinds())
                .isEqualTo(ReceiptBinds.SUBMITTING_FIRST);
        assertThat(read(customer + "      receiptBinds: any\n").customersBySystemId().get("x").smpp().receiptBinds())
                .isEqualTo(ReceiptBinds.ANY);
        assertThatThrownBy(() -> read(customer + "      receiptBinds: newest\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("receiptBinds").hasMessageContaining("submitting-first or any");
    }

    @Test
    void aPlainPasswordInsteadOfAHashIsRefused() {
        assertThatThrownBy(() -> read("customers:\n  - id: x\n    smpp:\n      systemId: x\n      passwordHash: hunter2\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("hash-password");
    }

    private EbbConfig read(String yaml) throws Exception {
        return loader.read(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "test.yaml");
    }
}
