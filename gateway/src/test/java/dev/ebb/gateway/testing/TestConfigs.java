package dev.ebb.gateway.testing;

import dev.ebb.gateway.config.ApiKeyConfig;
import dev.ebb.gateway.config.ApiTokenConfig;
import dev.ebb.gateway.config.ComplianceConfig;
import dev.ebb.gateway.config.ConnectorConfig;
import dev.ebb.gateway.config.SmscBindMode;
import dev.ebb.gateway.config.SmscClient;
import dev.ebb.gateway.config.AddressingConfig;
import dev.ebb.gateway.config.CustomerConfig;
import dev.ebb.gateway.config.ReceiptBinds;
import dev.ebb.gateway.config.HttpLimitsConfig;
import dev.ebb.gateway.config.SendSmsConfig;
import dev.ebb.gateway.config.SimulatorConfig;
import dev.ebb.gateway.config.SmppAccountConfig;
import dev.ebb.gateway.config.SmppServerConfig;
import dev.ebb.gateway.core.BindType;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Config records for tests, built by name: a test says only the settings it is about, everything else is what
 * {@code ebb.yaml} would leave out (the record's own default), and listeners are on loopback, port 0. Each builder
 * is the one place tests call a record's canonical constructor, so a field added to a record is added here once.
 */
public final class TestConfigs {
    private TestConfigs() {
    }

    /** The northbound SMPP listener on loopback, an ephemeral port. */
    public static SmppServerBuilder smppServer() {
        return new SmppServerBuilder();
    }

    /** A customer with neither SMPP account nor API keys. */
    public static CustomerBuilder customer(String id) {
        return new CustomerBuilder(id);
    }

    /** SMPP credentials: {@code passwordHash} is a {@code PasswordHash.hash} string. */
    public static AccountBuilder smppAccount(String systemId, String passwordHash) {
        return new AccountBuilder(systemId, passwordHash);
    }

    /** A southbound connector to loopback {@code port}, system_id and password {@code ebb}. */
    public static ConnectorBuilder connector(String name, int port) {
        return new ConnectorBuilder(name, port);
    }

    /** The embedded simulator, enabled, on loopback {@code port}, system_id and password {@code ebb}. */
    public static SimulatorBuilder simulator(int port) {
        return new SimulatorBuilder(port);
    }

    /** The compliance listener on loopback, an ephemeral port, no tokens. */
    public static ComplianceBuilder compliance() {
        return new ComplianceBuilder();
    }

    /** An HTTP listener's limits. */
    public static LimitsBuilder limits() {
        return new LimitsBuilder();
    }

    public static final class SmppServerBuilder {
        private int port;
        private int windowSize;
        private Duration responseTimeout;
        private String tlsCertFile;
        private String tlsKeyFile;
        private int maxConnections;
        private int maxConnectionsPerAddress;
        private int maxUnbound;
        private Duration bindTimeout;
        private Duration failedBindDelay;

        public SmppServerBuilder port(int port) {
            this.port = port;
            return this;
        }

        public SmppServerBuilder windowSize(int windowSize) {
            this.windowSize = windowSize;
            return this;
        }

        public SmppServerBuilder responseTimeout(Duration responseTimeout) {
            this.responseTimeout = responseTimeout;
            return this;
        }

        public SmppServerBuilder tls(String certFile, String keyFile) {
            this.tlsCertFile = certFile;
            this.tlsKeyFile = keyFile;
            return this;
        }

        public SmppServerBuilder maxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
            return this;
        }

        public SmppServerBuilder maxConnectionsPerAddress(int maxConnectionsPerAddress) {
            this.maxConnectionsPerAddress = maxConnectionsPerAddress;
            return this;
        }

        public SmppServerBuilder maxUnbound(int maxUnbound) {
            this.maxUnbound = maxUnbound;
            return this;
        }

        public SmppServerBuilder bindTimeout(Duration bindTimeout) {
            this.bindTimeout = bindTimeout;
            return this;
        }

        public SmppServerBuilder failedBindDelay(Duration failedBindDelay) {
            this.failedBindDelay = failedBindDelay;
            return this;
        }

        public SmppServerConfig build() {
            return new SmppServerConfig("127.0.0.1", port, 0, windowSize, responseTimeout, null, tlsCertFile,
                    tlsKeyFile, maxConnections, maxConnectionsPerAddress, maxUnbound, bindTimeout, failedBindDelay);
        }
    }

    public static final class CustomerBuilder {
        private final String id;
        private SmppAccountConfig smpp;
        private int tps;
        private List<ApiKeyConfig> apiKeys = List.of();
        private URI receiptUrl;
        private List<String> moNumbers = List.of();
        private String receiptSecret;
        private AddressingConfig addressing;
        private int receiptBatch;
        private int receiptConnections;
        private int receiptMaxWaiting;
        private Duration receiptTimeout;
        private URI moUrl;
        private String moSecret;
        private SendSmsConfig sendsms;
        /** Allowed, explicitly: every receiver a test starts listens on 127.0.0.1. */
        private boolean allowPrivateCallbacks = true;
        private String contentRetention;

        private CustomerBuilder(String id) {
            this.id = id;
        }

        public CustomerBuilder smpp(SmppAccountConfig smpp) {
            this.smpp = smpp;
            return this;
        }

        public CustomerBuilder smpp(AccountBuilder smpp) {
            return smpp(smpp.build());
        }

        public CustomerBuilder tps(int tps) {
            this.tps = tps;
            return this;
        }

        public CustomerBuilder apiKey(String keyId, String sha256) {
            this.apiKeys = List.of(new ApiKeyConfig(keyId, sha256));
            return this;
        }

        /** Receipts of messages sent over HTTP are posted there, signed with {@code secret} unless it is null. */
        public CustomerBuilder receiptUrl(URI receiptUrl, String secret) {
            this.receiptUrl = receiptUrl;
            this.receiptSecret = secret;
            return this;
        }

        /** Messages to its moNumbers are posted there, signed with {@code secret} unless it is null. */
        public CustomerBuilder moUrl(URI moUrl, String secret) {
            this.moUrl = moUrl;
            this.moSecret = secret;
            return this;
        }

        /** Opens the Kannel-compatible sendsms door to {@code username} with the password {@code passwordHash}. */
        public CustomerBuilder sendsms(String username, String passwordHash) {
            this.sendsms = new SendSmsConfig(username, passwordHash);
            return this;
        }

        /** Whether its callbacks may point at loopback and private addresses (the tests' receivers are on 127.0.0.1). */
        public CustomerBuilder allowPrivateCallbacks(boolean allow) {
            this.allowPrivateCallbacks = allow;
            return this;
        }

        public CustomerBuilder moNumbers(List<String> moNumbers) {
            this.moNumbers = moNumbers;
            return this;
        }

        /** How the customer's numbers without '+' are read, and its default sender. */
        public CustomerBuilder addressing(AddressingConfig addressing) {
            this.addressing = addressing;
            return this;
        }

        /** How receipts are posted to the receiptUrl; 0 or null: the default. */
        public CustomerBuilder receiptPosts(int batch, int connections, int maxWaiting, Duration timeout) {
            this.receiptBatch = batch;
            this.receiptConnections = connections;
            this.receiptMaxWaiting = maxWaiting;
            this.receiptTimeout = timeout;
            return this;
        }

        /** How long the vault keeps the content of the customer's messages that do not say (null: until final). */
        public CustomerBuilder contentRetention(String contentRetention) {
            this.contentRetention = contentRetention;
            return this;
        }

        public CustomerConfig build() {
            return new CustomerConfig(id, smpp, tps, false, apiKeys, receiptUrl, moNumbers, receiptSecret,
                    addressing, receiptBatch, receiptConnections, receiptMaxWaiting, receiptTimeout, moUrl, moSecret,
                    sendsms, allowPrivateCallbacks, contentRetention);
        }
    }

    public static final class AccountBuilder {
        private final String systemId;
        private final String passwordHash;
        private Set<BindType> bindTypes;
        private int maxBinds;
        private ReceiptBinds receiptBinds;
        private int maxScheduled;

        private AccountBuilder(String systemId, String passwordHash) {
            this.systemId = systemId;
            this.passwordHash = passwordHash;
        }

        public AccountBuilder bindTypes(Set<BindType> bindTypes) {
            this.bindTypes = bindTypes;
            return this;
        }

        public AccountBuilder maxBinds(int maxBinds) {
            this.maxBinds = maxBinds;
            return this;
        }

        /** Scheduled messages the customer may have waiting (0: the default). */
        public AccountBuilder maxScheduled(int maxScheduled) {
            this.maxScheduled = maxScheduled;
            return this;
        }

        /** Which of the customer's receivers a receipt goes to (null: the default). */
        public AccountBuilder receiptBinds(ReceiptBinds receiptBinds) {
            this.receiptBinds = receiptBinds;
            return this;
        }

        public SmppAccountConfig build() {
            return new SmppAccountConfig(systemId, passwordHash, bindTypes, maxBinds, receiptBinds, maxScheduled);
        }
    }

    public static final class ConnectorBuilder {
        private final String name;
        private final int port;
        private String password = "ebb";
        private String systemId = "ebb";
        private int binds;
        private int window;
        private Duration reconnectMax;
        private int maxQueued;
        private int tps;
        private SmscClient client;
        private SmscBindMode bindMode;
        private Duration responseTimeout;
        private Duration enquireLink;
        private List<Integer> temporaryErrors;
        private Duration retryDelay;

        private ConnectorBuilder(String name, int port) {
            this.name = name;
            this.port = port;
        }

        /** The system_id Ebb binds to the SMSC with ("ebb" by default). */
        public ConnectorBuilder systemId(String systemId) {
            this.systemId = systemId;
            return this;
        }

        public ConnectorBuilder password(String password) {
            this.password = password;
            return this;
        }

        public ConnectorBuilder binds(int binds) {
            this.binds = binds;
            return this;
        }

        public ConnectorBuilder window(int window) {
            this.window = window;
            return this;
        }

        public ConnectorBuilder reconnectMax(Duration reconnectMax) {
            this.reconnectMax = reconnectMax;
            return this;
        }

        public ConnectorBuilder maxQueued(int maxQueued) {
            this.maxQueued = maxQueued;
            return this;
        }

        public ConnectorBuilder tps(int tps) {
            this.tps = tps;
            return this;
        }

        public ConnectorBuilder client(SmscClient client) {
            this.client = client;
            return this;
        }

        public ConnectorBuilder bindMode(SmscBindMode bindMode) {
            this.bindMode = bindMode;
            return this;
        }

        public ConnectorBuilder responseTimeout(Duration responseTimeout) {
            this.responseTimeout = responseTimeout;
            return this;
        }

        public ConnectorBuilder enquireLink(Duration enquireLink) {
            this.enquireLink = enquireLink;
            return this;
        }

        /** The submit_sm_resp statuses retried (null: the default list). */
        public ConnectorBuilder temporaryErrors(List<Integer> temporaryErrors) {
            this.temporaryErrors = temporaryErrors;
            return this;
        }

        /** The first back-off after a temporary error; the longest is ten times it. */
        public ConnectorBuilder retryDelay(Duration retryDelay) {
            this.retryDelay = retryDelay;
            return this;
        }

        public ConnectorConfig build() {
            return new ConnectorConfig(name, "127.0.0.1", port, systemId, password, null, binds, window, tps, reconnectMax,
                    maxQueued, client, bindMode, responseTimeout, enquireLink, temporaryErrors, retryDelay,
                    retryDelay == null ? null : retryDelay.multipliedBy(10));
        }
    }

    public static final class SimulatorBuilder {
        private final int port;
        private boolean enabled = true;
        private String password = "ebb";
        private Duration receiptDelay;
        private List<SimulatorConfig.FailureRule> failures = List.of();
        private SimulatorConfig.Faults faults;

        private SimulatorBuilder(int port) {
            this.port = port;
        }

        public SimulatorBuilder enabled(boolean enabled) {
            this.enabled = enabled;
            return this;
        }

        public SimulatorBuilder password(String password) {
            this.password = password;
            return this;
        }

        public SimulatorBuilder receiptDelay(Duration receiptDelay) {
            this.receiptDelay = receiptDelay;
            return this;
        }

        /** Destinations starting with {@code prefix} always fail (UNDELIV receipt). */
        public SimulatorBuilder failing(String prefix) {
            this.failures = List.of(new SimulatorConfig.FailureRule(prefix, 1.0));
            return this;
        }

        /** How it misbehaves from the start. */
        public SimulatorBuilder faults(SimulatorConfig.Faults faults) {
            this.faults = faults;
            return this;
        }

        public SimulatorConfig build() {
            return new SimulatorConfig(enabled, "127.0.0.1", port, "ebb", password, receiptDelay, failures, faults);
        }
    }

    public static final class ComplianceBuilder {
        private List<ApiTokenConfig> tokens = List.of();
        private int maxRecordsPerPage;
        private Integer fourEyesThreshold;
        private String tlsCertFile;
        private String tlsKeyFile;
        private int maxBodyBytes;
        private Duration fourEyesWindow;

        public ComplianceBuilder tokens(List<ApiTokenConfig> tokens) {
            this.tokens = tokens;
            return this;
        }

        public ComplianceBuilder maxRecordsPerPage(int maxRecordsPerPage) {
            this.maxRecordsPerPage = maxRecordsPerPage;
            return this;
        }

        public ComplianceBuilder fourEyesThreshold(Integer fourEyesThreshold) {
            this.fourEyesThreshold = fourEyesThreshold;
            return this;
        }

        public ComplianceBuilder tls(String certFile, String keyFile) {
            this.tlsCertFile = certFile;
            this.tlsKeyFile = keyFile;
            return this;
        }

        public ComplianceBuilder maxBodyBytes(int maxBodyBytes) {
            this.maxBodyBytes = maxBodyBytes;
            return this;
        }

        public ComplianceBuilder fourEyesWindow(Duration fourEyesWindow) {
            this.fourEyesWindow = fourEyesWindow;
            return this;
        }

        public ComplianceConfig build() {
            return new ComplianceConfig("127.0.0.1", 0, tokens, maxRecordsPerPage, fourEyesThreshold, tlsCertFile,
                    tlsKeyFile, maxBodyBytes, null, fourEyesWindow, null);
        }
    }

    public static final class LimitsBuilder {
        private Duration headerTimeout;
        private Duration requestTimeout;
        private int maxConnections;
        private int maxConnectionsPerAddress;

        public LimitsBuilder timeouts(Duration header, Duration request) {
            this.headerTimeout = header;
            this.requestTimeout = request;
            return this;
        }

        public LimitsBuilder headerTimeout(Duration headerTimeout) {
            this.headerTimeout = headerTimeout;
            return this;
        }

        public LimitsBuilder connections(int max, int perAddress) {
            this.maxConnections = max;
            this.maxConnectionsPerAddress = perAddress;
            return this;
        }

        public LimitsBuilder maxConnectionsPerAddress(int maxConnectionsPerAddress) {
            this.maxConnectionsPerAddress = maxConnectionsPerAddress;
            return this;
        }

        public HttpLimitsConfig build() {
            return new HttpLimitsConfig(headerTimeout, requestTimeout, maxConnections, maxConnectionsPerAddress);
        }
    }
}
