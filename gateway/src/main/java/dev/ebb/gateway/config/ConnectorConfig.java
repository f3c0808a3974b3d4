package dev.ebb.gateway.config;

import java.time.Duration;
import java.util.List;

/**
 * A southbound SMPP connection to an operator SMSC (Ebb is the ESME here).
 *
 * @param binds           parallel binds
 * @param window          submit_sm in flight per bind, unanswered (with {@code client: jsmpp} one blocked sending
 *                        thread each)
 * @param tps             submits per second per bind (0 = unlimited)
 * @param reconnectMax    the longest back-off between reconnect attempts
 * @param maxQueued       accepted messages allowed to wait for this SMSC, scheduled ones included; beyond it
 *                        customers get ESME_RMSGQFUL
 *                        (the messages themselves are in the vault; this bounds what the gateway holds in memory)
 * @param client          the SMPP client: {@code netty} (Ebb's own, windowed and asynchronous) or {@code jsmpp}
 * @param bindMode        {@code transceiver}, or {@code transmitter-receiver} (two connections per bind; netty only)
 * @param responseTimeout how long a submit_sm (or bind, enquire_link) waits for its response; a submit_sm not
 *                        answered by then is sent again within its validity, and its record says so
 * @param enquireLink     quiet time on a bind after which Ebb sends enquire_link (SMPP 3.4 §4.11); a bind that
 *                        then hears nothing for {@code responseTimeout} more is taken for dead and reconnected
 * @param temporaryErrors submit_sm_resp (or generic_nack) command_status values that mean "not now": the message is
 *                        sent again after a back-off, for as long as its validity lasts; any other refusal ends it
 *                        (SUBMIT_FAILED, UNDELIV receipt). ESME_RTHROTTLED and ESME_RMSGQFUL among them also pause
 *                        the whole bind, as they say the SMSC, not the message, is the problem
 * @param retryDelay      the first back-off of a message refused with a temporary error; it doubles with each refusal
 *                        of the same message up to {@code retryDelayMax}
 */
public record ConnectorConfig(String name, String host, int port, String systemId, String password, String systemType,
                              int binds, int window, int tps, Duration reconnectMax, int maxQueued, SmscClient client,
                              SmscBindMode bindMode, Duration responseTimeout, Duration enquireLink,
                              List<Integer> temporaryErrors, Duration retryDelay, Duration retryDelayMax) {
    /** submit_sm in flight per bind unless configured: Kannel's fastest setting is 100, most SMSCs allow 10..100. */
    public static final int DEFAULT_WINDOW = 64;
    /**
     * SMPP 3.4 §5.1.3 statuses that say "not now" rather than "never": 0x08 ESME_RSYSERR (the SMSC's own fault, not
     * the message's), 0x14 ESME_RMSGQFUL (its queue is full), 0x58 ESME_RTHROTTLED (the ESME sends too fast) and
     * 0x64 ESME_RX_T_APPN (a temporary application error). Kannel and Jasmin retry the same ones.
     */
    public static final List<Integer> DEFAULT_TEMPORARY_ERRORS = List.of(0x08, 0x14, 0x58, 0x64);

    /** Without the fault settings: their defaults. */
    public ConnectorConfig(String name, String host, int port, String systemId, String password, String systemType,
                           int binds, int window, int tps, Duration reconnectMax, int maxQueued, SmscClient client,
                           SmscBindMode bindMode, Duration responseTimeout, Duration enquireLink) {
        this(name, host, port, systemId, password, systemType, binds, window, tps, reconnectMax, maxQueued, client,
                bindMode, responseTimeout, enquireLink, null, null, null);
    }

    public ConnectorConfig {
        ConfigException.require(name != null && name.matches("[A-Za-z0-9_.-]{1,32}"), "connectors[].name",
                "must be 1..32 of [A-Za-z0-9_.-], was " + name);
        host = host == null || host.isBlank() ? "127.0.0.1" : host;
        ConfigException.require(port > 0 && port <= 65535, "connectors[" + name + "].port", "must be 1..65535, was " + port);
        ConfigException.require(systemId != null && !systemId.isEmpty() && systemId.length() <= 15,
                "connectors[" + name + "].systemId", "must be 1..15 characters");
        password = password == null ? "" : password;
        ConfigException.require(password.length() <= 8, "connectors[" + name + "].password", "SMPP 3.4 allows at most 8 characters");
        systemType = systemType == null ? "" : systemType;
        binds = binds == 0 ? 2 : binds;
        ConfigException.require(binds >= 1 && binds <= 64, "connectors[" + name + "].binds", "must be 1..64, was " + binds);
        window = window == 0 ? DEFAULT_WINDOW : window;
        ConfigException.require(window >= 1 && window <= 256, "connectors[" + name + "].window", "must be 1..256, was " + window);
        ConfigException.require(tps >= 0, "connectors[" + name + "].tps", "must be >= 0, was " + tps);
        reconnectMax = reconnectMax == null ? Duration.ofSeconds(30) : reconnectMax;
        maxQueued = maxQueued == 0 ? 200_000 : maxQueued;
        ConfigException.require(maxQueued >= 1 && maxQueued <= 10_000_000, "connectors[" + name + "].maxQueued",
                "must be 1..10000000, was " + maxQueued);
        client = client == null ? SmscClient.NETTY : client;
        bindMode = bindMode == null ? SmscBindMode.TRANSCEIVER : bindMode;
        ConfigException.require(client == SmscClient.NETTY || bindMode == SmscBindMode.TRANSCEIVER,
                "connectors[" + name + "].bindMode", "client jsmpp binds as transceiver only");
        responseTimeout = responseTimeout == null ? Duration.ofSeconds(10) : responseTimeout;
        ConfigException.require(responseTimeout.compareTo(Duration.ofMillis(10)) >= 0
                && responseTimeout.compareTo(Duration.ofMinutes(5)) <= 0, "connectors[" + name + "].responseTimeout",
                "must be PT0.01S..PT5M, was " + responseTimeout);
        enquireLink = enquireLink == null ? Duration.ofSeconds(30) : enquireLink;
        ConfigException.require(enquireLink.compareTo(Duration.ofMillis(10)) >= 0
                && enquireLink.compareTo(Duration.ofHours(1)) <= 0, "connectors[" + name + "].enquireLink",
                "must be PT0.01S..PT1H, was " + enquireLink);
        temporaryErrors = temporaryErrors == null ? DEFAULT_TEMPORARY_ERRORS : List.copyOf(temporaryErrors);
        ConfigException.require(!temporaryErrors.contains(0), "connectors[" + name + "].temporaryErrors",
                "0x00 is ESME_ROK, not an error");
        retryDelay = retryDelay == null ? Duration.ofSeconds(1) : retryDelay;
        retryDelayMax = retryDelayMax == null ? Duration.ofMinutes(1) : retryDelayMax;
        ConfigException.require(retryDelay.compareTo(Duration.ofMillis(1)) >= 0
                && retryDelay.compareTo(Duration.ofHours(1)) <= 0, "connectors[" + name + "].retryDelay",
                "must be PT0.001S..PT1H, was " + retryDelay);
        ConfigException.require(retryDelayMax.compareTo(retryDelay) >= 0 && retryDelayMax.compareTo(Duration.ofHours(1)) <= 0,
                "connectors[" + name + "].retryDelayMax", "must be retryDelay..PT1H, was " + retryDelayMax);
    }

    /** The SMSC refused a submit with {@code commandStatus} for now; it is sent again later. */
    public boolean isTemporary(int commandStatus) {
        return temporaryErrors.contains(commandStatus);
    }
}
