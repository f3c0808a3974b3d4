package dev.ebb.gateway.config;

import java.time.Duration;

/**
 * One row of the prefix table: E.164 destinations starting with {@code prefix} (digits, "" = default) go to
 * {@code connector}.
 *
 * @param fallback      another connector the route's messages go to while {@code connector} has had no bind for
 *                      {@code fallbackAfter}; back to {@code connector} once it binds again (null: none)
 * @param fallbackAfter how long {@code connector} may be without a bind before {@code fallback} takes over
 */
public record RouteConfig(String prefix, String connector, String fallback, Duration fallbackAfter) {
    public RouteConfig {
        prefix = prefix == null ? "" : prefix.startsWith("+") ? prefix.substring(1) : prefix;
        ConfigException.require(prefix.matches("[0-9]{0,15}"), "routes[].prefix", "must be up to 15 digits, was " + prefix);
        ConfigException.require(connector != null && !connector.isBlank(), "routes[" + prefix + "].connector", "is required");
        ConfigException.require(fallback == null || !fallback.equals(connector), "routes[" + prefix + "].fallback",
                "must name another connector than the route's own '" + connector + "'");
        fallbackAfter = fallbackAfter == null ? Duration.ofSeconds(30) : fallbackAfter;
        ConfigException.require(fallbackAfter.compareTo(Duration.ofSeconds(1)) >= 0
                && fallbackAfter.compareTo(Duration.ofHours(24)) <= 0, "routes[" + prefix + "].fallbackAfter",
                "must be PT1S..PT24H, was " + fallbackAfter);
    }

    /** A route without a fallback. */
    public RouteConfig(String prefix, String connector) {
        this(prefix, connector, null, null);
    }
}
