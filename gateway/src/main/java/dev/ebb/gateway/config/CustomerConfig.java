package dev.ebb.gateway.config;

import dev.ebb.gateway.core.Originators;
import dev.ebb.model.Msisdn;
import java.net.URI;
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
 */
public record CustomerConfig(String id, SmppAccountConfig smpp, int tps, boolean keepContentUntilExpiry,
                             List<ApiKeyConfig> apiKeys, URI receiptUrl, List<String> moNumbers,
                             String receiptSecret, AddressingConfig addressing) {
    public CustomerConfig {
        addressing = addressing == null ? AddressingConfig.DEFAULTS : addressing;
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
        ConfigException.require(moNumbers.isEmpty() || smpp != null, "customers[" + id + "].moNumbers",
                "need an smpp account: messages to these numbers are passed on over the customer's SMPP binds");
        ConfigException.require(receiptUrl == null || ("http".equals(receiptUrl.getScheme())
                        || "https".equals(receiptUrl.getScheme())) && receiptUrl.getHost() != null,
                "customers[" + id + "].receiptUrl", "must be an absolute http or https URL, was " + receiptUrl);
        apiKeys = apiKeys == null ? List.of() : List.copyOf(apiKeys);
        ConfigException.require(id != null && id.matches("[A-Za-z0-9_.-]{1,32}"), "customers[].id",
                "must be 1..32 of [A-Za-z0-9_.-], was " + id);
        tps = tps == 0 ? 1_000 : tps;
        ConfigException.require(tps >= 1 && tps <= 1_000_000, "customers[" + id + "].tps", "must be 1..1000000, was " + tps);
    }

    /** Names the customer only: the record holds a password hash and a signing secret. */
    @Override
    public String toString() {
        return "CustomerConfig[id=" + id + "]";
    }
}
