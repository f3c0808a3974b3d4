package dev.ebb.gateway.config;

import java.time.Duration;

/**
 * The northbound SMPP listener.
 *
 * @param maxCommandLength frames announcing more than this are a framing error: the connection is closed
 * @param windowSize       submit_sm a bind may have outstanding (no submit_sm_resp handed to the network yet, because
 *                         it is still being accepted or the customer does not read) before further ones are answered
 *                         ESME_RMSGQFUL (SMPP 3.4 §2.7 windowing, §5.1.3); default 512. The same window bounds the
 *                         deliver_sm (receipts, MO) Ebb has outstanding on a bind: past it they wait in Ebb
 * @param responseTimeout  how long Ebb waits for a customer's deliver_sm_resp; past it the deliver_sm leaves the
 *                         window and is retried later
 * @param idleTimeout      a bind silent for this long (not even enquire_link) is closed
 * @param tlsCertFile      PEM certificate chain; when this and {@code tlsKeyFile} are set, the listener speaks SMPP
 *                         over TLS only
 * @param tlsKeyFile       PEM PKCS#8 private key
 * @param maxConnections   connections the listener keeps open at once, bound or not; more are closed at once
 * @param maxConnectionsPerAddress connections one client IP address may keep open at once; more are closed at once
 * @param maxUnbound       connections not yet bound the listener keeps open at once, at most maxConnections; a new
 *                         connection over this (or over either cap above) closes an unbound one instead of being
 *                         refused: the longest-waiting one of the address that has the most, so that connections
 *                         that never bind cannot keep out a customer that binds promptly unless they come from more
 *                         addresses than this; bound sessions are never closed for a newer connection
 * @param bindTimeout      a connection not bound this long after it opened is closed
 * @param failedBindDelay  how long a refused bind waits for its bind_resp (on a timer, no thread held), so that one
 *                         connection cannot guess passwords faster than this
 */
public record SmppServerConfig(String host, int port, int maxCommandLength, int windowSize,
                               Duration responseTimeout, Duration idleTimeout, String tlsCertFile, String tlsKeyFile,
                               int maxConnections, int maxConnectionsPerAddress, int maxUnbound,
                               Duration bindTimeout, Duration failedBindDelay) {
    public static final int DEFAULT_PORT = 2775;
    /** SMPP 3.4 allows 254 octets of short_message; message_payload may carry up to 64 KiB. */
    public static final int DEFAULT_MAX_COMMAND_LENGTH = 70_000;
    public static final int DEFAULT_WINDOW = 512;
    public static final int DEFAULT_MAX_CONNECTIONS = 1_000;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 100;
    /**
     * Well under maxConnections, so that unbound connections cannot crowd out bound sessions; a bind takes
     * milliseconds, so a hundred waiting at once is plenty for a burst of reconnects.
     */
    public static final int DEFAULT_MAX_UNBOUND = 100;

    public SmppServerConfig {
        host = host == null || host.isBlank() ? "127.0.0.1" : host;
        ConfigException.require(port >= 0 && port <= 65535, "smpp.port", "must be 0..65535, was " + port);
        maxCommandLength = maxCommandLength == 0 ? DEFAULT_MAX_COMMAND_LENGTH : maxCommandLength;
        ConfigException.require(maxCommandLength >= 512 && maxCommandLength <= 1 << 20,
                "smpp.maxCommandLength", "must be 512..1048576, was " + maxCommandLength);
        windowSize = windowSize == 0 ? DEFAULT_WINDOW : windowSize;
        ConfigException.require(windowSize >= 1 && windowSize <= 65_536, "smpp.windowSize", "must be 1..65536, was " + windowSize);
        responseTimeout = responseTimeout == null ? Duration.ofSeconds(10) : responseTimeout;
        idleTimeout = idleTimeout == null ? Duration.ofSeconds(90) : idleTimeout;
        maxConnections = maxConnections == 0 ? DEFAULT_MAX_CONNECTIONS : maxConnections;
        ConfigException.require(maxConnections >= 1 && maxConnections <= 1_000_000, "smpp.maxConnections",
                "must be 1..1000000, was " + maxConnections);
        maxConnectionsPerAddress = maxConnectionsPerAddress == 0
                ? Math.min(DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, maxConnections) : maxConnectionsPerAddress;
        ConfigException.require(maxConnectionsPerAddress >= 1 && maxConnectionsPerAddress <= maxConnections,
                "smpp.maxConnectionsPerAddress", "must be 1..maxConnections (" + maxConnections + "), was "
                        + maxConnectionsPerAddress);
        maxUnbound = maxUnbound == 0 ? Math.min(DEFAULT_MAX_UNBOUND, maxConnections) : maxUnbound;
        ConfigException.require(maxUnbound >= 1 && maxUnbound <= maxConnections, "smpp.maxUnbound",
                "must be 1..maxConnections (" + maxConnections + "), was " + maxUnbound);
        bindTimeout = bindTimeout == null ? Duration.ofSeconds(10) : bindTimeout;
        ConfigException.require(bindTimeout.toMillis() >= 1 && bindTimeout.compareTo(Duration.ofMinutes(5)) <= 0,
                "smpp.bindTimeout", "must be PT0.001S..PT5M, was " + bindTimeout);
        failedBindDelay = failedBindDelay == null ? Duration.ofSeconds(1) : failedBindDelay;
        ConfigException.require(!failedBindDelay.isNegative() && failedBindDelay.compareTo(Duration.ofMinutes(1)) <= 0,
                "smpp.failedBindDelay", "must be PT0S..PT1M, was " + failedBindDelay);
        ConfigException.require((tlsCertFile == null) == (tlsKeyFile == null), "smpp.tlsCertFile",
                "tlsCertFile and tlsKeyFile go together: set both for TLS or neither");
    }

    /** True when both TLS files are configured. */
    public boolean tls() {
        return tlsCertFile != null;
    }

    public static SmppServerConfig defaults() {
        return new SmppServerConfig(null, DEFAULT_PORT, 0, 0, null, null, null, null, 0, 0, 0, null, null);
    }
}
