package dev.ebb.gateway.config;

import java.time.Duration;
import java.util.List;

/**
 * The embedded handset simulator: an SMSC on loopback that acknowledges submits and produces receipts.
 *
 * @param receiptDelay how long after submit the handset "receives" the message
 * @param failures     destinations by prefix that fail with the given probability (UNDELIV receipt)
 */
public record SimulatorConfig(boolean enabled, String host, int port, String systemId, String password,
                              Duration receiptDelay, List<FailureRule> failures) {
    public SimulatorConfig {
        host = host == null || host.isBlank() ? "127.0.0.1" : host;
        ConfigException.require(port >= 0 && port <= 65535, "simulator.port", "must be 0..65535, was " + port);
        systemId = systemId == null ? "ebb" : systemId;
        password = password == null ? "" : password;
        receiptDelay = receiptDelay == null ? Duration.ofMillis(100) : receiptDelay;
        ConfigException.require(!receiptDelay.isNegative(), "simulator.receiptDelay", "must not be negative");
        failures = failures == null ? List.of() : List.copyOf(failures);
    }

    /** Destinations starting with {@code prefix} fail with probability {@code ratio}. */
    public record FailureRule(String prefix, double ratio) {
        public FailureRule {
            prefix = prefix == null ? "" : prefix.startsWith("+") ? prefix.substring(1) : prefix;
            ConfigException.require(ratio >= 0 && ratio <= 1, "simulator.failures[].ratio", "must be 0..1, was " + ratio);
        }
    }
}
