package dev.ebb.gateway.config;

import java.time.Duration;

/**
 * The northbound SMPP listener.
 *
 * @param maxCommandLength frames announcing more than this are a framing error: the connection is closed
 * @param windowSize       submit_sm a bind may have outstanding (no submit_sm_resp handed to the network yet, because
 *                         it is still being accepted or the customer does not read) before further ones are answered
 *                         ESME_RMSGQFUL (SMPP 3.4 §2.7 windowing, §5.1.3); default 512
 * @param responseTimeout  how long Ebb waits for a customer's deliver_sm_resp
 * @param idleTimeout      a bind silent for this long (not even enquire_link) is closed
 * @param tlsCertFile      PEM certificate chain; when this and {@code tlsKeyFile} are set, the listener speaks SMPP
 *                         over TLS only
 * @param tlsKeyFile       PEM PKCS#8 private key
 */
public record SmppServerConfig(String host, int port, int maxCommandLength, int windowSize,
                               Duration responseTimeout, Duration idleTimeout, String tlsCertFile, String tlsKeyFile) {
    public static final int DEFAULT_PORT = 2775;
    /** SMPP 3.4 allows 254 octets of short_message; message_payload may carry up to 64 KiB. */
    public static final int DEFAULT_MAX_COMMAND_LENGTH = 70_000;
    public static final int DEFAULT_WINDOW = 512;

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
        ConfigException.require((tlsCertFile == null) == (tlsKeyFile == null), "smpp.tlsCertFile",
                "tlsCertFile and tlsKeyFile go together: set both for TLS or neither");
    }

    /** True when both TLS files are configured. */
    public boolean tls() {
        return tlsCertFile != null;
    }

    public static SmppServerConfig defaults() {
        return new SmppServerConfig(null, DEFAULT_PORT, 0, 0, null, null, null, null);
    }
}
