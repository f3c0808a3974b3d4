package dev.ebb.gateway.config;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The compliance API listener ({@code compliance:} in {@code ebb.yaml}): where it listens, who may use it, and its
 * limits. It replaces the plain {@link ListenerConfig} of that key and reads the same {@code host}/{@code port}.
 *
 * @param host               listen address; loopback unless the config says otherwise
 * @param port               listen port, 0..65535
 * @param tokens             API tokens with their roles; customers' credentials are never in this table
 * @param maxRecordsPerPage  hard cap on the records of one response; more are fetched with the continuation token
 * @param fourEyesThreshold  a request resource expected to disclose more than this many records needs a second
 *                           person's approval; 0 means every request does; absent means
 *                           {@value #DEFAULT_FOUR_EYES_THRESHOLD}
 * @param tlsCertFile        PEM certificate chain; TLS is on when this and {@code tlsKeyFile} are set
 * @param tlsKeyFile         PEM PKCS#8 private key
 * @param maxBodyBytes       largest request body accepted; a larger one gets 413
 * @param providerId         who discloses, named in every delivery header; absent means {@value #DEFAULT_PROVIDER_ID}
 * @param fourEyesWindow     how long a disclosure on one officer's word counts towards the threshold of its subject
 *                           (so that slicing a window does not get past four eyes); absent means
 *                           {@link #DEFAULT_FOUR_EYES_WINDOW}, at most {@link #MAX_FOUR_EYES_WINDOW}
 * @param limits             deadlines and connection caps of the listener; absent means the defaults
 */
public record ComplianceConfig(String host, int port, List<ApiTokenConfig> tokens, int maxRecordsPerPage,
                               Integer fourEyesThreshold, String tlsCertFile, String tlsKeyFile, int maxBodyBytes,
                               String providerId, Duration fourEyesWindow,
                               HttpLimitsConfig limits) {
    /** Default hard cap of a page. */
    public static final int DEFAULT_MAX_RECORDS_PER_PAGE = 1_000;
    /** The largest cap allowed, the metadata store's own page limit. */
    public static final int MAX_RECORDS_PER_PAGE = 10_000;
    /** Default four-eyes threshold. */
    public static final int DEFAULT_FOUR_EYES_THRESHOLD = 1_000;
    /** Default body limit: requests carry criteria, not payloads. */
    public static final int DEFAULT_MAX_BODY_BYTES = 16 * 1024;
    /** Default four-eyes window. */
    public static final Duration DEFAULT_FOUR_EYES_WINDOW = Duration.ofDays(30);
    /** The longest four-eyes window: a year, beyond the longest retention of traffic data. */
    public static final Duration MAX_FOUR_EYES_WINDOW = Duration.ofDays(366);
    /** Default provider id. */
    public static final String DEFAULT_PROVIDER_ID = "ebb";

    public ComplianceConfig {
        host = host == null || host.isBlank() ? "127.0.0.1" : host;
        ConfigException.require(port >= 0 && port <= 65535, "compliance.port", "must be 0..65535, was " + port);
        tokens = tokens == null ? List.of() : List.copyOf(tokens);
        Set<String> ids = new HashSet<>();
        Set<String> hashes = new HashSet<>();
        for (ApiTokenConfig t : tokens) {
            ConfigException.require(ids.add(t.id()), "compliance.tokens[].id", "'" + t.id() + "' appears twice");
            ConfigException.require(hashes.add(t.sha256()), "compliance.tokens[" + t.id() + "].sha256",
                    "is the hash of another token too");
        }
        maxRecordsPerPage = maxRecordsPerPage == 0 ? DEFAULT_MAX_RECORDS_PER_PAGE : maxRecordsPerPage;
        ConfigException.require(maxRecordsPerPage >= 1 && maxRecordsPerPage <= MAX_RECORDS_PER_PAGE,
                "compliance.maxRecordsPerPage", "must be 1.." + MAX_RECORDS_PER_PAGE + ", was " + maxRecordsPerPage);
        fourEyesThreshold = fourEyesThreshold == null ? DEFAULT_FOUR_EYES_THRESHOLD : fourEyesThreshold;
        ConfigException.require(fourEyesThreshold >= 0, "compliance.fourEyesThreshold",
                "must be 0 or more, was " + fourEyesThreshold);
        ConfigException.require((tlsCertFile == null) == (tlsKeyFile == null), "compliance.tlsCertFile",
                "tlsCertFile and tlsKeyFile go together: set both for TLS or neither");
        maxBodyBytes = maxBodyBytes == 0 ? DEFAULT_MAX_BODY_BYTES : maxBodyBytes;
        ConfigException.require(maxBodyBytes >= 256 && maxBodyBytes <= 1024 * 1024, "compliance.maxBodyBytes",
                "must be 256..1048576, was " + maxBodyBytes);
        providerId = providerId == null || providerId.isBlank() ? DEFAULT_PROVIDER_ID : providerId;
        fourEyesWindow = fourEyesWindow == null ? DEFAULT_FOUR_EYES_WINDOW : fourEyesWindow;
        ConfigException.require(fourEyesWindow.compareTo(Duration.ZERO) > 0
                && fourEyesWindow.compareTo(MAX_FOUR_EYES_WINDOW) <= 0, "compliance.fourEyesWindow",
                "must be more than PT0S and at most P366D, was " + fourEyesWindow);
        limits = limits == null ? HttpLimitsConfig.defaults() : limits;
    }

    /** Loopback on {@code port}, no tokens, default limits: a listener nobody can use until tokens are configured. */
    public static ComplianceConfig of(String host, int port, List<ApiTokenConfig> tokens) {
        return new ComplianceConfig(host, port, tokens, 0, DEFAULT_FOUR_EYES_THRESHOLD, null, null, 0, null, null, null);
    }

    /** Where the listener binds and its limits, as every HTTP listener has them. */
    public ListenerConfig listener() {
        return new ListenerConfig(host, port, limits);
    }

    /** True when both TLS files are configured. */
    public boolean tls() {
        return tlsCertFile != null;
    }
}
