package dev.ebb.gateway.config;

import dev.ebb.gateway.core.BindType;
import java.util.EnumSet;
import java.util.Set;

/**
 * A customer's SMPP credentials. The password is stored only as a {@link PasswordHash} string.
 *
 * @param maxBinds     simultaneous binds of this system_id; one more gets ESME_RALYBND
 * @param receiptBinds which receiver bind a receipt goes to; default {@link ReceiptBinds#SUBMITTING_FIRST}
 * @param maxScheduled messages with a schedule_delivery_time the customer may have waiting at once; one more gets
 *                     ESME_RMSGQFUL. They wait in the route's queue, so without a share of their own one customer's
 *                     schedule could fill it for every customer until they fall due, up to the content window;
 *                     default {@value #DEFAULT_MAX_SCHEDULED}
 */
public record SmppAccountConfig(String systemId, String passwordHash, Set<BindType> bindTypes, int maxBinds,
                                ReceiptBinds receiptBinds, int maxScheduled) {
    public static final int DEFAULT_MAX_SCHEDULED = 10_000;

    public SmppAccountConfig {
        ConfigException.require(systemId != null && !systemId.isEmpty() && systemId.length() <= 15,
                "customers[].smpp.systemId", "must be 1..15 characters (SMPP 3.4 §5.2.1)");
        ConfigException.require(passwordHash != null && PasswordHash.isWellFormed(passwordHash),
                "customers[].smpp.passwordHash", "must be a hash made by `ebb hash-password` (pbkdf2$…), never a plain password");
        bindTypes = bindTypes == null || bindTypes.isEmpty() ? EnumSet.allOf(BindType.class) : Set.copyOf(bindTypes);
        maxBinds = maxBinds == 0 ? 4 : maxBinds;
        ConfigException.require(maxBinds >= 1 && maxBinds <= 1024, "customers[].smpp.maxBinds", "must be 1..1024, was " + maxBinds);
        receiptBinds = receiptBinds == null ? ReceiptBinds.SUBMITTING_FIRST : receiptBinds;
        maxScheduled = maxScheduled == 0 ? DEFAULT_MAX_SCHEDULED : maxScheduled;
        ConfigException.require(maxScheduled >= 1 && maxScheduled <= 10_000_000, "customers[].smpp.maxScheduled",
                "must be 1..10000000, was " + maxScheduled);
    }
}
