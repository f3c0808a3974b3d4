package dev.ebb.gateway.config;

import dev.ebb.gateway.core.ContentRetention;
import dev.ebb.gateway.core.InvalidRetentionException;
import dev.ebb.gateway.core.Originators;
import dev.ebb.model.Msisdn;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * A customer (an ESME, the data controller Ebb processes for).
 *
 * @param tps              submits per second over all of the customer's binds and HTTP requests; more get
 *                         ESME_RTHROTTLED (SMPP) or 429 (HTTP)
 * @param keepContentUntilExpiry keep content of finished messages until the 72 h limit instead of stripping it early
 * @param apiKeys          keys for the HTTP API (none: the customer sends over SMPP only)
 * @param receiptUrl       where receipts of messages sent over HTTP are posted (http or https); absent: none are
 *                         posted, the customer reads the state with {@code GET /v1/messages/{id}}
 * @param moNumbers        the customer's numbers (E.164 with '+') and short codes (3..8 digits): messages handsets
 *                         send to them are passed to the customer's SMPP receivers
 * @param receiptSecret    signs the receipts posted to {@code receiptUrl} (HMAC-SHA256), so the customer can tell
 *                         them from forgeries; at least 16 characters; absent: receipts go unsigned
 * @param addressing       how numbers without '+' are read and the default sender; absent: the defaults of
 *                         {@link AddressingConfig}
 * @param receiptBatch     receipts per POST to {@code receiptUrl}: 1 (the default) posts each as a JSON object; more
 *                         posts a JSON array of up to this many, as soon as that many are waiting or
 *                         20 ms after the first of them
 * @param receiptConnections connections to {@code receiptUrl} open at most, each kept alive between posts and carrying
 *                         one post at a time; default {@value #DEFAULT_RECEIPT_CONNECTIONS}
 * @param receiptMaxWaiting receipts of the customer held for {@code receiptUrl} (being posted, waiting for a
 *                         connection or for a retry) before further ones are dropped; default
 *                         {@value #DEFAULT_RECEIPT_MAX_WAITING}
 * @param receiptTimeout   a post not answered within this (from connecting, or from writing it on an open connection)
 *                         fails and is retried; default 10 s; also the timeout of posts to {@code moUrl} and of
 *                         Kannel delivery reports
 * @param moUrl            where messages handsets send to {@code moNumbers} are posted as JSON (http or https), instead
 *                         of the customer's SMPP receivers
 * @param moSecret         signs the posts to {@code moUrl} as {@code receiptSecret} signs receipts; at least 16
 *                         characters
 * @param sendsms          the Kannel-compatible {@code /cgi-bin/sendsms} door's credentials; absent: the door is shut
 *                         for this customer
 * @param allowPrivateCallbacks let {@code receiptUrl}, {@code moUrl} and {@code dlr-url} point at loopback, link-local
 *                         and private addresses ({@link CallbackUrls}); off by default, so no customer can make Ebb
 *                         call into its own networks
 * @param contentRetention how long the vault keeps the content of the customer's messages that do not say:
 *                         {@code until-final} (the default), {@code until-submitted} or an ISO-8601 duration of at
 *                         most PT72H; see {@link ContentRetention}
 */
public record CustomerConfig(String id, SmppAccountConfig smpp, int tps, boolean keepContentUntilExpiry,
                             List<ApiKeyConfig> apiKeys, URI receiptUrl, List<String> moNumbers,
                             String receiptSecret, AddressingConfig addressing, int receiptBatch,
                             int receiptConnections, int receiptMaxWaiting, Duration receiptTimeout, URI moUrl,
                             String moSecret, SendSmsConfig sendsms, boolean allowPrivateCallbacks,
                             String contentRetention) {
    public static final int DEFAULT_RECEIPT_CONNECTIONS = 8;
    /**
     * About 300 bytes each (the accepted record and the posted JSON), so 30 MB for a customer whose endpoint is down:
     * 8 s of receipts at the full HTTP rate, minutes at a customer's usual one.
     */
    public static final int DEFAULT_RECEIPT_MAX_WAITING = 100_000;
    public static final Duration DEFAULT_RECEIPT_TIMEOUT = Duration.ofSeconds(10);

    public CustomerConfig {
        addressing = addressing == null ? AddressingConfig.DEFAULTS : addressing;
        receiptBatch = receiptBatch == 0 ? 1 : receiptBatch;
        ConfigException.require(receiptBatch >= 1 && receiptBatch <= 1_000, "customers[" + id + "].receiptBatch",
                "must be 1..1000, was " + receiptBatch);
        receiptConnections = receiptConnections == 0 ? DEFAULT_RECEIPT_CONNECTIONS : receiptConnections;
        ConfigException.require(receiptConnections >= 1 && receiptConnections <= 1_000, "customers[" + id
                + "].receiptConnections", "must be 1..1000, was " + receiptConnections);
        receiptMaxWaiting = receiptMaxWaiting == 0 ? DEFAULT_RECEIPT_MAX_WAITING : receiptMaxWaiting;
        ConfigException.require(receiptMaxWaiting >= 1 && receiptMaxWaiting <= 10_000_000, "customers[" + id
                + "].receiptMaxWaiting", "must be 1..10000000, was " + receiptMaxWaiting);
        receiptTimeout = receiptTimeout == null ? DEFAULT_RECEIPT_TIMEOUT : receiptTimeout;
        ConfigException.require(!receiptTimeout.isNegative() && !receiptTimeout.isZero()
                        && receiptTimeout.compareTo(Duration.ofMinutes(5)) <= 0, "customers[" + id + "].receiptTimeout",
                "must be over 0 and at most PT5M, was " + receiptTimeout);
        contentRetention = contentRetention == null ? ContentRetention.UNTIL_FINAL.toString() : contentRetention;
        ContentRetention retention;
        try {
            retention = ContentRetention.parse(contentRetention);
        } catch (InvalidRetentionException e) {
            throw new ConfigException("customers[" + id + "].contentRetention", e.getMessage() + ", was "
                    + contentRetention);
        }
        // Keeping finished messages' content to the 72 h limit and dropping it at the SMSC's acknowledgement say
        // opposite things; a duration only shortens what keepContentUntilExpiry keeps.
        ConfigException.require(!(keepContentUntilExpiry && retention.endsAtSubmit()), "customers[" + id
                + "].contentRetention", "until-submitted drops the content that keepContentUntilExpiry keeps: set one");
        ConfigException.require(receiptSecret == null || receiptSecret.length() >= 16, "customers[" + id
                + "].receiptSecret", "must be at least 16 characters");
        ConfigException.require(receiptSecret == null || receiptUrl != null, "customers[" + id + "].receiptSecret",
                "signs receipts posted to receiptUrl, which is not set");
        moNumbers = moNumbers == null ? List.of() : List.copyOf(moNumbers);
        for (String n : moNumbers) {
            ConfigException.require(n != null && (n.matches("\\+[1-9][0-9]{0,14}") || Originators.isShortCode(n)),
                    "customers[" + id + "].moNumbers", "must be E.164 numbers ('+' and 1..15 digits) or short codes"
                            + " (3..8 digits), was " + Msisdn.mask(n));
        }
        ConfigException.require(moNumbers.isEmpty() || smpp != null || moUrl != null, "customers[" + id
                + "].moNumbers", "need an smpp account or a moUrl: messages to these numbers are passed on over the"
                + " customer's SMPP binds or posted to its moUrl");
        CallbackUrls.require(receiptUrl, allowPrivateCallbacks, "customers[" + id + "].receiptUrl");
        CallbackUrls.require(moUrl, allowPrivateCallbacks, "customers[" + id + "].moUrl");
        ConfigException.require(moSecret == null || moSecret.length() >= 16, "customers[" + id + "].moSecret",
                "must be at least 16 characters");
        ConfigException.require(moSecret == null || moUrl != null, "customers[" + id + "].moSecret",
                "signs messages posted to moUrl, which is not set");
        apiKeys = apiKeys == null ? List.of() : List.copyOf(apiKeys);
        ConfigException.require(id != null && id.matches("[A-Za-z0-9_.-]{1,32}"), "customers[].id",
                "must be 1..32 of [A-Za-z0-9_.-], was " + id);
        tps = tps == 0 ? 1_000 : tps;
        ConfigException.require(tps >= 1 && tps <= 1_000_000, "customers[" + id + "].tps", "must be 1..1000000, was " + tps);
    }

    /** How long the vault keeps the content of the customer's messages that do not say ({@link #contentRetention}). */
    public ContentRetention retention() {
        return ContentRetention.parse(contentRetention);
    }

    /** Names the customer only: the record holds a password hash and a signing secret. */
    @Override
    public String toString() {
        return "CustomerConfig[id=" + id + "]";
    }
}
