package dev.ebb.gateway.testing;

import dev.ebb.gateway.compliance.TokenTable;
import dev.ebb.gateway.config.AddressingConfig;
import dev.ebb.gateway.config.ApiTokenConfig;
import dev.ebb.gateway.config.ComplianceConfig;
import dev.ebb.gateway.config.ConnectorConfig;
import dev.ebb.gateway.config.EbbConfig;
import dev.ebb.gateway.config.HashedTokens;
import dev.ebb.gateway.config.ListenerConfig;
import dev.ebb.gateway.config.PasswordHash;
import dev.ebb.gateway.config.ReceiptBinds;
import dev.ebb.gateway.config.RouteConfig;
import dev.ebb.gateway.config.SmppServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** A whole-gateway configuration on loopback ephemeral ports with the embedded simulator. */
public final class TestGateway {
    public static final String SYSTEM_ID = "acme";
    public static final String PASSWORD = "acme1234";
    public static final String OFFICER_TOKEN = "test-officer-token";
    public static final String AUDITOR_TOKEN = "test-auditor-token";
    /** The customer's HTTP API key. */
    public static final String API_KEY = "test-api-key";
    /** Signs the receipts posted to the customer's receiptUrl, when one is given. */
    public static final String RECEIPT_SECRET = "test-receipt-secret";
    private static final String HASH = PasswordHash.hash(PASSWORD);

    private TestGateway() {
    }

    /** Destinations under +999 fail at the simulator (UNDELIV receipt). */
    public static EbbConfig config(Path dataDir, int simulatorPort, boolean simulatorEnabled) {
        return builder(dataDir, simulatorPort, simulatorEnabled).build();
    }

    /** With the embedded simulator; {@code receiptBinds} says which of the customer's receivers a receipt goes to. */
    public static EbbConfig config(Path dataDir, ReceiptBinds receiptBinds) {
        return builder(dataDir, freePort(), true).receiptBinds(receiptBinds).build();
    }

    /** {@link #config} with the settings a test names changed. */
    public static Builder builder(Path dataDir, int simulatorPort, boolean simulatorEnabled) {
        return new Builder(dataDir, simulatorPort, simulatorEnabled);
    }

    public static final class Builder {
        private final Path dataDir;
        private final int simulatorPort;
        private final boolean simulatorEnabled;
        private SmppServerConfig smpp = TestConfigs.smppServer().build();
        private int maxQueued;
        private URI receiptUrl;
        private List<String> moNumbers = List.of();
        private AddressingConfig addressing;
        private ReceiptBinds receiptBinds;
        private int maxScheduled;
        private int metricsPort;
        private int tps = 100_000;
        private UnaryOperator<TestConfigs.ConnectorBuilder> connector = c -> c;
        private List<ConnectorConfig> moreConnectors = List.of();
        private List<RouteConfig> routes = List.of(new RouteConfig("", "sim"));
        private UnaryOperator<TestConfigs.CustomerBuilder> customer = c -> c;
        private Duration receiptDelay = Duration.ofMillis(10);
        private String contentRetention;
        private UnaryOperator<ComplianceConfig> compliance = c -> c;

        private Builder(Path dataDir, int simulatorPort, boolean simulatorEnabled) {
            this.dataDir = dataDir;
            this.simulatorPort = simulatorPort;
            this.simulatorEnabled = simulatorEnabled;
        }

        public Builder smpp(SmppServerConfig smpp) {
            this.smpp = smpp;
            return this;
        }

        /** Messages the connector may hold before ingress answers ESME_RMSGQFUL (0: default). */
        public Builder maxQueued(int maxQueued) {
            this.maxQueued = maxQueued;
            return this;
        }

        /** Where receipts of messages sent over HTTP are posted, signed with {@link #RECEIPT_SECRET}. */
        public Builder receiptUrl(URI receiptUrl) {
            this.receiptUrl = receiptUrl;
            return this;
        }

        /** The customer's settings a test names changed (moUrl, sendsms, …). */
        public Builder customer(UnaryOperator<TestConfigs.CustomerBuilder> customer) {
            this.customer = customer;
            return this;
        }

        /** The customer's numbers for mobile-originated messages. */
        public Builder moNumbers(List<String> moNumbers) {
            this.moNumbers = moNumbers;
            return this;
        }

        /** Scheduled messages the customer may have waiting (0: the default). */
        public Builder maxScheduled(int maxScheduled) {
            this.maxScheduled = maxScheduled;
            return this;
        }

        /** The metrics listener's port (0: a free one, known once started), for a scraper configured first. */
        public Builder metricsPort(int metricsPort) {
            this.metricsPort = metricsPort;
            return this;
        }

        /** The customer's submit rate over SMPP and HTTP together (100,000 by default). */
        public Builder tps(int tps) {
            this.tps = tps;
            return this;
        }

        /** Which of the customer's receivers a receipt goes to. */
        public Builder receiptBinds(ReceiptBinds receiptBinds) {
            this.receiptBinds = receiptBinds;
            return this;
        }

        /** How the customer's numbers without '+' are read, and its default sender. */
        public Builder addressing(AddressingConfig addressing) {
            this.addressing = addressing;
            return this;
        }

        /** The SMSC connector's settings changed (client, window, timeouts). */
        public Builder connector(UnaryOperator<TestConfigs.ConnectorBuilder> change) {
            this.connector = change;
            return this;
        }

        /** Connectors besides "sim", the one on the simulator's port. */
        public Builder moreConnectors(List<ConnectorConfig> connectors) {
            this.moreConnectors = connectors;
            return this;
        }

        /** The prefix table instead of every destination to "sim". */
        public Builder routes(List<RouteConfig> routes) {
            this.routes = routes;
            return this;
        }

        /** How long after a submit the simulator sends its receipt (10 ms by default). */
        public Builder receiptDelay(Duration receiptDelay) {
            this.receiptDelay = receiptDelay;
            return this;
        }

        /** How long the vault keeps the customer's content when a message does not say (null: until final). */
        public Builder contentRetention(String contentRetention) {
            this.contentRetention = contentRetention;
            return this;
        }

        /** The compliance listener's settings changed (more tokens, another four-eyes threshold). */
        public Builder compliance(UnaryOperator<ComplianceConfig> change) {
            this.compliance = change;
            return this;
        }

        public EbbConfig build() {
            List<ConnectorConfig> connectors = new ArrayList<>();
            connectors.add(connector.apply(TestConfigs.connector("sim", simulatorPort).binds(2).window(8)
                    .reconnectMax(Duration.ofMillis(500)).maxQueued(maxQueued)).build());
            connectors.addAll(moreConnectors);
            return new EbbConfig(dataDir, smpp, new ListenerConfig("127.0.0.1", 0),
                    compliance.apply(ComplianceConfig.of(null, 0, List.of(
                            new ApiTokenConfig("officer", TokenTable.hashOf(OFFICER_TOKEN), "compliance-officer"),
                            new ApiTokenConfig("auditor", TokenTable.hashOf(AUDITOR_TOKEN), "auditor")))),
                    new ListenerConfig(null, metricsPort),
                    List.of(customer.apply(TestConfigs.customer(SYSTEM_ID)
                            .smpp(TestConfigs.smppAccount(SYSTEM_ID, HASH).maxBinds(8).receiptBinds(receiptBinds)
                                    .maxScheduled(maxScheduled)).tps(tps)
                            .apiKey("test", HashedTokens.hashOf(API_KEY))
                            .receiptUrl(receiptUrl, receiptUrl == null ? null : RECEIPT_SECRET)
                            .moNumbers(moNumbers).addressing(addressing).contentRetention(contentRetention)).build()),
                    routes, connectors,
                    TestConfigs.simulator(simulatorPort).enabled(simulatorEnabled).receiptDelay(receiptDelay)
                            .failing("999").build(),
                    null, null);
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
