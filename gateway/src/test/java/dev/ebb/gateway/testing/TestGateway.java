package dev.ebb.gateway.testing;

import dev.ebb.gateway.compliance.TokenTable;
import dev.ebb.gateway.config.ApiKeyConfig;
import dev.ebb.gateway.config.ApiTokenConfig;
import dev.ebb.gateway.config.ComplianceConfig;
import dev.ebb.gateway.config.ConnectorConfig;
import dev.ebb.gateway.config.CustomerConfig;
import dev.ebb.gateway.config.EbbConfig;
import dev.ebb.gateway.config.HashedTokens;
import dev.ebb.gateway.config.ListenerConfig;
import dev.ebb.gateway.config.PasswordHash;
import dev.ebb.gateway.config.ReceiptBinds;
import dev.ebb.gateway.config.RouteConfig;
import dev.ebb.gateway.config.SimulatorConfig;
import dev.ebb.gateway.config.SmppAccountConfig;
import dev.ebb.gateway.config.SmppServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

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
        return config(dataDir, simulatorPort, simulatorEnabled, 0);
    }

    /** @param maxQueued messages the connector may hold before ingress answers ESME_RMSGQFUL (0: default) */
    public static EbbConfig config(Path dataDir, int simulatorPort, boolean simulatorEnabled, int maxQueued) {
        return config(dataDir, simulatorPort, simulatorEnabled, maxQueued, null);
    }

    /** @param receiptUrl where receipts of messages sent over HTTP are posted, or null */
    public static EbbConfig config(Path dataDir, int simulatorPort, boolean simulatorEnabled, int maxQueued,
                                   URI receiptUrl) {
        return config(dataDir, simulatorPort, simulatorEnabled, maxQueued, receiptUrl, List.of());
    }

    /** @param moNumbers the customer's numbers for mobile-originated messages */
    public static EbbConfig config(Path dataDir, int simulatorPort, boolean simulatorEnabled, int maxQueued,
                                   URI receiptUrl, List<String> moNumbers) {
        return config(dataDir, simulatorPort, simulatorEnabled, maxQueued, receiptUrl, moNumbers, null);
    }

    /** With the embedded simulator; {@code receiptBinds} says which of the customer's receivers a receipt goes to. */
    public static EbbConfig config(Path dataDir, ReceiptBinds receiptBinds) {
        return config(dataDir, freePort(), true, 0, null, List.of(), receiptBinds);
    }

    private static EbbConfig config(Path dataDir, int simulatorPort, boolean simulatorEnabled, int maxQueued,
                                    URI receiptUrl, List<String> moNumbers, ReceiptBinds receiptBinds) {
        return new EbbConfig(dataDir, new SmppServerConfig("127.0.0.1", 0, 0, 0, null, null, null, null, 0, 0, 0, null, null), new ListenerConfig("127.0.0.1", 0),
                ComplianceConfig.of(null, 0, List.of(
                        new ApiTokenConfig("officer", TokenTable.hashOf(OFFICER_TOKEN), "compliance-officer"),
                        new ApiTokenConfig("auditor", TokenTable.hashOf(AUDITOR_TOKEN), "auditor"))),
                new ListenerConfig(null, 0),
                List.of(new CustomerConfig(SYSTEM_ID, new SmppAccountConfig(SYSTEM_ID, HASH, null, 8, receiptBinds), 100_000, false,
                        List.of(new ApiKeyConfig("test", HashedTokens.hashOf(API_KEY))), receiptUrl, moNumbers,
                        receiptUrl == null ? null : RECEIPT_SECRET)),
                List.of(new RouteConfig("", "sim")),
                List.of(new ConnectorConfig("sim", "127.0.0.1", simulatorPort, "ebb", "ebb", null, 2, 8, 0, Duration.ofMillis(500), maxQueued)),
                new SimulatorConfig(simulatorEnabled, "127.0.0.1", simulatorPort, "ebb", "ebb", Duration.ofMillis(10),
                        List.of(new SimulatorConfig.FailureRule("999", 1.0))),
                null, null);
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
