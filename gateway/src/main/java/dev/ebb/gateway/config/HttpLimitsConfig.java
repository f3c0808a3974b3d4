package dev.ebb.gateway.config;

import java.time.Duration;

/**
 * What one HTTP listener allows a client ({@code limits:} under {@code http:}, {@code compliance:} or
 * {@code metrics:}): how long a request may take to arrive and how many connections may be open. A slow or greedy
 * client then holds a bounded share of the listener, never all of it.
 *
 * @param headerTimeout            from a request's first byte (the first request's: from the connection opening)
 *                                 to the end of its headers; a connection that sends nothing in this time is closed;
 *                                 absent means {@link #DEFAULT_HEADER_TIMEOUT}
 * @param requestTimeout           from a request's first byte to the end of its body; absent means
 *                                 {@link #DEFAULT_REQUEST_TIMEOUT}
 * @param maxConnections           open connections of the listener; a new one over this or the next cap closes an
 *                                 idle one (no request in progress), else gets 503; 0 means
 *                                 {@value #DEFAULT_MAX_CONNECTIONS}
 * @param maxConnectionsPerAddress open connections from one client address; 0 means
 *                                 {@value #DEFAULT_MAX_CONNECTIONS_PER_ADDRESS}
 */
public record HttpLimitsConfig(Duration headerTimeout, Duration requestTimeout, int maxConnections,
                               int maxConnectionsPerAddress) {
    /** Generous for any real client (curl sends its headers in one packet), short for a slowloris. */
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
    /** A 256 KiB body at a few KiB/s still arrives in time. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** Well below the default file-descriptor limit (1024 soft is raised by the launcher; 4096+ is common). */
    public static final int DEFAULT_MAX_CONNECTIONS = 1_000;
    /** Leaves room for several clients behind one NAT while one address cannot take the whole listener. */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 256;
    private static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);

    public HttpLimitsConfig {
        headerTimeout = headerTimeout == null ? DEFAULT_HEADER_TIMEOUT : headerTimeout;
        requestTimeout = requestTimeout == null ? DEFAULT_REQUEST_TIMEOUT : requestTimeout;
        ConfigException.require(headerTimeout.toMillis() >= 1 && headerTimeout.compareTo(MAX_TIMEOUT) <= 0,
                "limits.headerTimeout", "must be 1ms..PT10M, was " + headerTimeout);
        ConfigException.require(requestTimeout.compareTo(headerTimeout) >= 0 && requestTimeout.compareTo(MAX_TIMEOUT) <= 0,
                "limits.requestTimeout", "must be limits.headerTimeout..PT10M, was " + requestTimeout);
        maxConnections = maxConnections == 0 ? DEFAULT_MAX_CONNECTIONS : maxConnections;
        ConfigException.require(maxConnections >= 1 && maxConnections <= 1_000_000, "limits.maxConnections",
                "must be 1..1000000, was " + maxConnections);
        maxConnectionsPerAddress = maxConnectionsPerAddress == 0
                ? Math.min(DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, maxConnections) : maxConnectionsPerAddress;
        ConfigException.require(maxConnectionsPerAddress >= 1 && maxConnectionsPerAddress <= maxConnections,
                "limits.maxConnectionsPerAddress", "must be 1..limits.maxConnections (" + maxConnections + "), was "
                        + maxConnectionsPerAddress);
    }

    /** Every limit at its default. */
    public static HttpLimitsConfig defaults() {
        return new HttpLimitsConfig(null, null, 0, 0);
    }
}
