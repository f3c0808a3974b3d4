package dev.ebb.gateway.config;

import java.time.Duration;
import java.util.List;

/**
 * The embedded handset simulator: an SMSC on loopback that acknowledges submits and produces receipts.
 *
 * @param receiptDelay how long after submit the handset "receives" the message
 * @param failures     destinations by prefix that fail with the given probability (UNDELIV receipt)
 * @param faults       how the simulated SMSC misbehaves, as an operator's does at times (none by default)
 */
public record SimulatorConfig(boolean enabled, String host, int port, String systemId, String password,
                              Duration receiptDelay, List<FailureRule> failures, Faults faults) {
    public SimulatorConfig {
        host = host == null || host.isBlank() ? "127.0.0.1" : host;
        ConfigException.require(port >= 0 && port <= 65535, "simulator.port", "must be 0..65535, was " + port);
        systemId = systemId == null ? "ebb" : systemId;
        password = password == null ? "" : password;
        receiptDelay = receiptDelay == null ? Duration.ofMillis(100) : receiptDelay;
        ConfigException.require(!receiptDelay.isNegative(), "simulator.receiptDelay", "must not be negative");
        failures = failures == null ? List.of() : List.copyOf(failures);
        faults = faults == null ? Faults.NONE : faults;
    }

    /** A simulator that does not misbehave. */
    public SimulatorConfig(boolean enabled, String host, int port, String systemId, String password,
                           Duration receiptDelay, List<FailureRule> failures) {
        this(enabled, host, port, systemId, password, receiptDelay, failures, null);
    }

    /**
     * The share of submit_sm the simulator answers badly, each decided at random as it arrives; together at most 1.
     *
     * @param throttled       answered ESME_RTHROTTLED (SMPP 3.4 §5.1.3 0x58)
     * @param temporary       answered {@code temporaryStatus}
     * @param temporaryStatus the command_status of those (default 0x64 ESME_RX_T_APPN, a temporary error)
     * @param late            answered ESME_ROK only after {@code lateBy}, beyond a client's response timeout
     * @param lateBy          how late (default PT30S)
     * @param dropped         not answered: the connection is closed instead, and the late answers still owed on it
     *                        are never given
     */
    public record Faults(double throttled, double temporary, Integer temporaryStatus, double late, Duration lateBy,
                         double dropped) {
        public static final Faults NONE = new Faults(0, 0, null, 0, null, 0);

        public Faults {
            for (double ratio : new double[] {throttled, temporary, late, dropped}) {
                ConfigException.require(ratio >= 0 && ratio <= 1, "simulator.faults", "ratios must be 0..1, was " + ratio);
            }
            ConfigException.require(throttled + temporary + late + dropped <= 1, "simulator.faults",
                    "throttled + temporary + late + dropped must be at most 1");
            temporaryStatus = temporaryStatus == null ? 0x64 : temporaryStatus;
            ConfigException.require(temporaryStatus != 0, "simulator.faults.temporaryStatus", "0 is ESME_ROK, not an error");
            lateBy = lateBy == null ? Duration.ofSeconds(30) : lateBy;
            ConfigException.require(lateBy.compareTo(Duration.ofMillis(1)) >= 0, "simulator.faults.lateBy",
                    "must be at least PT0.001S, was " + lateBy);
        }

        /** Whether any submit_sm is answered badly at all. */
        public boolean any() {
            return throttled + temporary + late + dropped > 0;
        }

        /** Every submit_sm answered ESME_ROK after {@code lateBy}; with a long one, a window that fills and stays full. */
        public static Faults allLate(Duration lateBy) {
            return new Faults(0, 0, null, 1, lateBy, 0);
        }
    }

    /** Destinations starting with {@code prefix} fail with probability {@code ratio}. */
    public record FailureRule(String prefix, double ratio) {
        public FailureRule {
            prefix = prefix == null ? "" : prefix.startsWith("+") ? prefix.substring(1) : prefix;
            ConfigException.require(ratio >= 0 && ratio <= 1, "simulator.failures[].ratio", "must be 0..1, was " + ratio);
        }
    }
}
