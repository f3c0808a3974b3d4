package dev.ebb.gateway.config;

/** A TCP listener; defaults to loopback so nothing is exposed unless the config says so. */
public record ListenerConfig(String host, int port) {
    public ListenerConfig {
        host = host == null || host.isBlank() ? "127.0.0.1" : host;
        ConfigException.require(port >= 0 && port <= 65535, "port", "must be 0..65535, was " + port);
    }
}
