package dev.ebb.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ebb.gateway.testing.TestConfigs;
import dev.ebb.metadata.SourceAddress;
import dev.ebb.model.Numbering;
import dev.ebb.gateway.core.ContentRetention;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
    void keysNameOneKeyEncryptionKeyATokenOrAPassphraseFile() throws Exception {
        EbbConfig token = read("keys:\n  require: true\n  pkcs11: {library: /usr/lib/softhsm/libsofthsm2.so, slot: 7,"
                + " pinFile: /etc/ebb/pin}\n");

        assertThat(token.keys().require()).isTrue();
        assertThat(token.keys().pkcs11().keyLabel()).isEqualTo(Pkcs11Config.DEFAULT_KEY_LABEL);
        assertThat(token.keys().pkcs11().providerConfig()).contains("slot = 7");
        assertThat(read("dataDir: data\n").keys().configured()).isFalse();
        assertThatThrownBy(() -> read("keys:\n  file: /etc/ebb/kek\n  pkcs11: {library: /usr/lib/x.so}\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not both");
        assertThatThrownBy(() -> read("keys:\n  pkcs11: {library: /usr/lib/x.so, slot: 1, slotListIndex: 0}\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("slot or slotListIndex");
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

        assertThat(config.http().limits()).isEqualTo(TestConfigs.limits()
                .headerTimeout(Duration.ofSeconds(2)).maxConnectionsPerAddress(8).build());
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

    private static final String TWO_CONNECTORS = "connectors:\n"
            + "  - {name: primary, port: 2776, systemId: ebb}\n"
            + "  - {name: backup, port: 2777, systemId: ebb, temporaryErrors: [0x58, 0x64], retryDelay: PT0.5S}\n";

    @Test
    void aRouteFallsBackToAnotherConnectorAfterThirtySecondsUnlessItSaysOtherwise() throws Exception {
        EbbConfig config = read(TWO_CONNECTORS + "routes:\n  - {prefix: \"47\", connector: primary, fallback: backup}\n"
                + "  - {prefix: \"46\", connector: backup, fallback: primary, fallbackAfter: PT2M}\n");

        assertThat(config.routes().get(0).fallback()).isEqualTo("backup");
        assertThat(config.routes().get(0).fallbackAfter()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.routes().get(1).fallbackAfter()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void aFallbackToAnUnknownConnectorIsRefusedByName() {
        assertThatThrownBy(() -> read(TWO_CONNECTORS + "routes:\n  - {prefix: \"47\", connector: primary, fallback: nowhere}\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("routes[47].fallback")
                .hasMessageContaining("'nowhere'");
    }

    @Test
    void routesOfOneConnectorMustAgreeOnItsFallback() {
        assertThatThrownBy(() -> read(TWO_CONNECTORS + "routes:\n  - {prefix: \"47\", connector: primary, fallback: backup}\n"
                + "  - {prefix: \"48\", connector: primary}\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("routes[48].fallback");
    }

    @Test
    void temporaryErrorsAreReadInHexAndDefaultToTheFourSmpp34NamesAsNotNow() throws Exception {
        List<ConnectorConfig> connectors = read(TWO_CONNECTORS).connectors();

        assertThat(connectors.get(0).temporaryErrors()).containsExactly(0x08, 0x14, 0x58, 0x64);
        assertThat(connectors.get(0).retryDelay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(connectors.get(1).temporaryErrors()).containsExactly(0x58, 0x64);
        assertThat(connectors.get(1).isTemporary(0x14)).isFalse();
        assertThat(connectors.get(1).retryDelay()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void theSimulatorsFaultsAreReadAndMayNotAddUpToMoreThanEverySubmit() throws Exception {
        SimulatorConfig.Faults faults = read("simulator:\n  faults: {throttled: 0.1, temporary: 0.2, temporaryStatus: 0x14,"
                + " late: 0.05, lateBy: PT15S}\n").simulator().faults();

        assertThat(faults.temporaryStatus()).isEqualTo(0x14);
        assertThat(faults.lateBy()).isEqualTo(Duration.ofSeconds(15));
        assertThat(faults.dropped()).isZero();
        assertThatThrownBy(() -> read("simulator:\n  faults: {throttled: 0.6, late: 0.6}\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("simulator.faults");
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

    @Test
    void aCustomersAddressingIsReadWithItsDefaults() throws Exception {
        CustomerConfig plain = read("customers:\n  - id: x\n").customers().get(0);
        CustomerConfig norway = read("customers:\n  - id: x\n    addressing: {defaultCountryCode: \"47\","
                + " unknownTonAs: national, defaultSender: \"2222\"}\n").customers().get(0);

        assertThat(plain.addressing().numbering()).isEqualTo(Numbering.INTERNATIONAL);
        assertThat(plain.addressing().sender()).isEmpty();
        assertThat(norway.addressing().numbering()).isEqualTo(new Numbering("47", Numbering.UnknownTon.NATIONAL));
        assertThat(norway.addressing().sender()).contains(new SourceAddress("2222", 3, 0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{defaultSender: EbbBankNorge}", "{defaultSender: \"Grüße\"}", "{unknownTonAs: national}",
            "{defaultCountryCode: \"+47\"}", "{unknownTonAs: local}", "{defaultSender: \"+12\"}"})
    void anAddressingThatCannotWorkIsRefusedAtStart(String addressing) {
        assertThatThrownBy(() -> read("customers:\n  - id: x\n    addressing: " + addressing + "\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("customers[].addressing");
    }

    @Test
    void moNumbersMayBeShortCodes() throws Exception {
        String account = "customers:\n  - id: x\n    smpp: {systemId: x, passwordHash: \"" + PasswordHash.hash("x")
                + "\"}\n    moNumbers: ";

        assertThat(read(account + "[\"+4722000001\", \"12345\"]\n").customerByMoNumber())
                .containsOnlyKeys("+4722000001", "12345");
        assertThatThrownBy(() -> read(account + "[\"12\"]\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("short codes");
    }

    /** Issue 18: the SSRF guard, at load; the same addresses are checked again on connecting. */
    @Test
    void callbackUrlsIntoTheGatewaysOwnNetworksAreRefusedUnlessTheCustomerAllowsThem() throws Exception {
        for (String url : List.of("http://127.0.0.1:9000/r", "http://localhost/r", "http://[::1]/r",
                "http://169.254.169.254/latest", "http://10.0.0.7/r", "http://192.168.1.1/r", "http://100.64.0.1/r",
                "http://[fd00::1]/r", "http://0.0.0.0/r")) {
            for (String key : List.of("receiptUrl", "moUrl")) {
                assertThatThrownBy(() -> read("customers:\n  - id: x\n    " + key + ": " + url + "\n"))
                        .as(key + " " + url).isInstanceOf(ConfigException.class)
                        .hasMessageContaining("customers[x]." + key).hasMessageContaining("allowPrivateCallbacks");
            }
        }
        assertThatThrownBy(() -> read("customers:\n  - id: x\n    moUrl: ftp://example.net/mo\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("http or https");
        CustomerConfig allowed = read("customers:\n  - id: x\n    receiptUrl: http://127.0.0.1:9000/r\n"
                + "    moUrl: http://127.0.0.1:9000/mo\n    allowPrivateCallbacks: true\n").customers().get(0);
        assertThat(allowed.moUrl()).hasPort(9000);
        assertThat(CallbackUrls.refusal(java.net.InetAddress.getByName("93.184.215.14"))).isEmpty();
    }

    /**
     * An IPv6 address that carries an IPv4 one reaches it through a translator or tunnel: NAT64's 64:ff9b::/96
     * (RFC 6052), 6to4's 2002::/16 (RFC 3056), the IPv4-compatible ::/96 (RFC 4291 §2.5.5.1); and 240.0.0.0/4
     * (RFC 1112, reserved, with the broadcast address) is no one's.
     */
    @Test
    void anIpv6AddressCarryingAPrivateIpv4OneIsRefusedToo() throws Exception {
        for (String address : List.of("64:ff9b::a9fe:a9fe", "64:ff9b::7f00:1", "2002:a9fe:a9fe::1", "::7f00:1",
                "::a00:7", "255.255.255.255", "240.0.0.1")) {
            assertThat(CallbackUrls.refusal(java.net.InetAddress.getByName(address))).as(address).isPresent();
        }
        for (String address : List.of("64:ff9b::5db8:d70e", "2002:5db8:d70e::1", "2606:2800:21f:cb07:6820:80da:af6b:8b2c")) {
            assertThat(CallbackUrls.refusal(java.net.InetAddress.getByName(address))).as(address).isEmpty();
        }
    }

    @Test
    void receiptPostsAreShapedPerCustomerWithDefaults() throws Exception {
        String url = "customers:\n  - id: x\n    receiptUrl: https://example.net/receipts\n";
        CustomerConfig plain = read(url).customers().get(0);
        CustomerConfig batched = read(url + "    receiptBatch: 50\n    receiptConnections: 2\n"
                + "    receiptMaxWaiting: 500\n    receiptTimeout: PT2S\n").customers().get(0);

        assertThat(List.of(plain.receiptBatch(), plain.receiptConnections(), plain.receiptMaxWaiting()))
                .containsExactly(1, CustomerConfig.DEFAULT_RECEIPT_CONNECTIONS, CustomerConfig.DEFAULT_RECEIPT_MAX_WAITING);
        assertThat(plain.receiptTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(List.of(batched.receiptBatch(), batched.receiptConnections(), batched.receiptMaxWaiting()))
                .containsExactly(50, 2, 500);
        assertThat(batched.receiptTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThatThrownBy(() -> read(url + "    receiptBatch: 1001\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("customers[x].receiptBatch");
        assertThatThrownBy(() -> read(url + "    receiptTimeout: PT0S\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("customers[x].receiptTimeout");
    }

    /** Issue 18: a customer's default content retention, never longer than the 72 h limit. */
    @Test
    void aCustomersContentRetentionIsReadAndRefusedBeyond72HoursOrWhenUnknown() throws Exception {
        String customer = "customers:\n  - id: x\n";
        assertThat(read(customer).customers().get(0).retention()).isEqualTo(ContentRetention.UNTIL_FINAL);
        assertThat(read(customer + "    contentRetention: until-submitted\n").customers().get(0).retention())
                .isEqualTo(ContentRetention.UNTIL_SUBMITTED);
        assertThat(read(customer + "    contentRetention: PT1H\n").customers().get(0).retention())
                .isEqualTo(ContentRetention.of(Duration.ofHours(1)));

        assertThatThrownBy(() -> read(customer + "    contentRetention: PT73H\n")).isInstanceOf(ConfigException.class)
                .hasMessage("customers[x].contentRetention: must be over zero, in whole milliseconds and at most PT72H,"
                        + " how long Ebb may keep content, was PT73H");
        assertThatThrownBy(() -> read(customer + "    contentRetention: PT0S\n")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("customers[x].contentRetention: must be over zero");
        assertThatThrownBy(() -> read(customer + "    contentRetention: forever\n")).isInstanceOf(ConfigException.class)
                .hasMessage("customers[x].contentRetention: must be until-final, until-submitted or an ISO-8601"
                        + " duration of at most PT72H (PT1M), was forever");
        assertThatThrownBy(() -> read(customer + "    keepContentUntilExpiry: true\n"
                + "    contentRetention: until-submitted\n")).isInstanceOf(ConfigException.class)
                .hasMessage("customers[x].contentRetention: until-submitted drops the content that"
                        + " keepContentUntilExpiry keeps: set one");
    }

    private EbbConfig read(String yaml) throws Exception {
        return loader.read(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "test.yaml");
    }
}
