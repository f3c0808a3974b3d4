package dev.ebb.gateway.config;

/**
 * An HTTP listener; defaults to loopback so nothing is exposed unless the config says so.
 *
 * @param limits deadlines and connection caps; absent means {@link HttpLimitsConfig#defaults()}
 */
public record ListenerConfig(String host, int port, HttpLimitsConfig limits) {
    public ListenerConfig {
        host = host == null || host.isBlank() ? "127.0.0.1" : host;
        ConfigException.require(port >= 0 && port <= 65535, "port", "must be 0..65535, was " + port);
        limits = limits == null ? HttpLimitsConfig.defaults() : limits;
    }

    /** With default limits. */
    public ListenerConfig(String host, int port) {
        this(host, port, null);
    }
}
