package dev.ebb.gateway.config;

/** One row of the prefix table: E.164 destinations starting with {@code prefix} (digits, "" = default) go to {@code connector}. */
public record RouteConfig(String prefix, String connector) {
    public RouteConfig {
        prefix = prefix == null ? "" : prefix.startsWith("+") ? prefix.substring(1) : prefix;
        ConfigException.require(prefix.matches("[0-9]{0,15}"), "routes[].prefix", "must be up to 15 digits, was " + prefix);
        ConfigException.require(connector != null && !connector.isBlank(), "routes[" + prefix + "].connector", "is required");
    }
}
