package dev.ebb.gateway.config;

import dev.ebb.model.Msisdn;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The whole of {@code config/ebb.yaml}; every section validates itself, this record checks what spans sections. */
public record EbbConfig(Path dataDir, SmppServerConfig smpp, ListenerConfig http, ComplianceConfig compliance,
                        ListenerConfig metrics, List<CustomerConfig> customers, List<RouteConfig> routes,
                        List<ConnectorConfig> connectors, SimulatorConfig simulator, ContentConfig content,
                        MetadataConfig metadata, StorageConfig storage, KeysConfig keys, ReceiptsConfig receipts,
                        ClusterConfig cluster) {
    public EbbConfig {
        dataDir = dataDir == null ? Path.of("data") : dataDir;
        smpp = smpp == null ? SmppServerConfig.defaults() : smpp;
        http = http == null ? new ListenerConfig(null, 8080) : http;
        compliance = compliance == null ? ComplianceConfig.of(null, 8081, List.of()) : compliance;
        metrics = metrics == null ? new ListenerConfig(null, 9464) : metrics;
        customers = customers == null ? List.of() : List.copyOf(customers);
        routes = routes == null ? List.of() : List.copyOf(routes);
        connectors = connectors == null ? List.of() : List.copyOf(connectors);
        simulator = simulator == null ? new SimulatorConfig(false, null, 2776, null, null, null, null) : simulator;
        content = content == null ? ContentConfig.defaults() : content;
        metadata = metadata == null ? new MetadataConfig(null, null, null) : metadata;
        storage = storage == null ? StorageConfig.defaults() : storage;
        keys = keys == null ? KeysConfig.defaults() : keys;
        receipts = receipts == null ? ReceiptsConfig.defaults() : receipts;
        // cluster stays null: Ebb alone, no Kafka.

        requireUnique(customers, CustomerConfig::id, "customers[].id");
        requireUnique(customers.stream().filter(c -> c.smpp() != null).toList(), c -> c.smpp().systemId(),
                "customers[].smpp.systemId");
        requireUnique(customers.stream().filter(c -> c.sendsms() != null).toList(), c -> c.sendsms().username(),
                "customers[].sendsms.username");
        List<ApiKeyConfig> apiKeys = customers.stream().flatMap(c -> c.apiKeys().stream()).toList();
        requireUnique(apiKeys, ApiKeyConfig::sha256, "customers[].apiKeys[].sha256");
        Set<String> complianceHashes = compliance.tokens().stream().map(ApiTokenConfig::sha256)
                .collect(Collectors.toSet());
        for (ApiKeyConfig key : apiKeys) {
            // A customer's key must never double as a compliance token (issue 5: customers' keys never work there).
            ConfigException.require(!complianceHashes.contains(key.sha256()), "customers[].apiKeys[" + key.id()
                    + "].sha256", "is also a compliance token's hash");
        }
        Set<String> moNumbers = new HashSet<>();
        for (String n : customers.stream().flatMap(c -> c.moNumbers().stream()).toList()) {
            // Masked like every number Ebb prints (DESIGN invariant 1).
            ConfigException.require(moNumbers.add(n), "customers[].moNumbers", "'" + Msisdn.mask(n) + "' appears twice");
        }
        requireUnique(connectors, ConnectorConfig::name, "connectors[].name");
        requireUnique(routes, RouteConfig::prefix, "routes[].prefix");
        Set<String> names = connectors.stream().map(ConnectorConfig::name).collect(Collectors.toSet());
        Map<String, RouteConfig> failover = new HashMap<>();
        for (RouteConfig route : routes) {
            ConfigException.require(names.contains(route.connector()), "routes[" + route.prefix() + "].connector",
                    "names no connector: '" + route.connector() + "' (known: " + names + ")");
            ConfigException.require(route.fallback() == null || names.contains(route.fallback()),
                    "routes[" + route.prefix() + "].fallback",
                    "names no connector: '" + route.fallback() + "' (known: " + names + ")");
            // A message knows its connector, not the row that chose it: failover is the connector's, so every row
            // naming a connector must say the same about it.
            RouteConfig first = failover.putIfAbsent(route.connector(), route);
            ConfigException.require(first == null || (Objects.equals(first.fallback(), route.fallback())
                            && (route.fallback() == null || first.fallbackAfter().equals(route.fallbackAfter()))),
                    "routes[" + route.prefix() + "].fallback", "differs from routes[" + (first == null ? "" : first.prefix())
                            + "] of the same connector '" + route.connector() + "'; give them the same fallback");
        }
    }

    /** Alone, without a {@code cluster} section. */
    public EbbConfig(Path dataDir, SmppServerConfig smpp, ListenerConfig http, ComplianceConfig compliance,
                     ListenerConfig metrics, List<CustomerConfig> customers, List<RouteConfig> routes,
                     List<ConnectorConfig> connectors, SimulatorConfig simulator, ContentConfig content,
                     MetadataConfig metadata, StorageConfig storage, KeysConfig keys, ReceiptsConfig receipts) {
        this(dataDir, smpp, http, compliance, metrics, customers, routes, connectors, simulator, content, metadata,
                storage, keys, receipts, null);
    }

    /** Without a {@code storage} section: the free-space guard's defaults. */
    public EbbConfig(Path dataDir, SmppServerConfig smpp, ListenerConfig http, ComplianceConfig compliance,
                     ListenerConfig metrics, List<CustomerConfig> customers, List<RouteConfig> routes,
                     List<ConnectorConfig> connectors, SimulatorConfig simulator, ContentConfig content,
                     MetadataConfig metadata) {
        this(dataDir, smpp, http, compliance, metrics, customers, routes, connectors, simulator, content, metadata,
                null, null, null);
    }

    /** The folders of {@link #dataDir}. */
    public DataDirectory data() {
        return new DataDirectory(dataDir);
    }

    /** The same config with another {@code storage} section. */
    public EbbConfig withStorage(StorageConfig guard) {
        return new EbbConfig(dataDir, smpp, http, compliance, metrics, customers, routes, connectors, simulator,
                content, metadata, guard, keys, receipts, cluster);
    }

    /** The same config with another {@code receipts} section. */
    public EbbConfig withReceipts(ReceiptsConfig outbox) {
        return new EbbConfig(dataDir, smpp, http, compliance, metrics, customers, routes, connectors, simulator,
                content, metadata, storage, keys, outbox, cluster);
    }

    /** The same config with another list of customers. */
    public EbbConfig withCustomers(List<CustomerConfig> others) {
        return new EbbConfig(dataDir, smpp, http, compliance, metrics, others, routes, connectors, simulator,
                content, metadata, storage, keys, receipts, cluster);
    }

    /** The same config with another {@code keys} section (the key-encryption key). */
    public EbbConfig withKeys(KeysConfig kek) {
        return new EbbConfig(dataDir, smpp, http, compliance, metrics, customers, routes, connectors, simulator,
                content, metadata, storage, kek, receipts, cluster);
    }

    /** The same config with another {@code cluster} section; null: alone. */
    public EbbConfig withCluster(ClusterConfig nodes) {
        return new EbbConfig(dataDir, smpp, http, compliance, metrics, customers, routes, connectors, simulator,
                content, metadata, storage, keys, receipts, nodes);
    }

    public Optional<CustomerConfig> customer(String id) {
        return customers.stream().filter(c -> c.id().equals(id)).findFirst();
    }

    /** The customer each MO number belongs to. */
    public Map<String, String> customerByMoNumber() {
        Map<String, String> out = new HashMap<>();
        customers.forEach(c -> c.moNumbers().forEach(n -> out.put(n, c.id())));
        return Map.copyOf(out);
    }

    public Map<String, CustomerConfig> customersBySystemId() {
        return customers.stream().filter(c -> c.smpp() != null)
                .collect(Collectors.toUnmodifiableMap(c -> c.smpp().systemId(), Function.identity()));
    }

    private static <T> void requireUnique(List<T> items, Function<T, String> key, String name) {
        Set<String> seen = new HashSet<>();
        for (T item : items) {
            ConfigException.require(seen.add(key.apply(item)), name, "'" + key.apply(item) + "' appears twice");
        }
    }
}
