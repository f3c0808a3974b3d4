package dev.ebb.gateway.config;

import dev.ebb.gateway.core.BindType;
import java.util.EnumSet;
import java.util.Set;

/**
 * A customer's SMPP credentials. The password is stored only as a {@link PasswordHash} string.
 *
 * @param maxBinds     simultaneous binds of this system_id; one more gets ESME_RALYBND
 * @param receiptBinds which receiver bind a receipt goes to; default {@link ReceiptBinds#SUBMITTING_FIRST}
 */
public record SmppAccountConfig(String systemId, String passwordHash, Set<BindType> bindTypes, int maxBinds,
                                ReceiptBinds receiptBinds) {
    public SmppAccountConfig {
        ConfigException.require(systemId != null && !systemId.isEmpty() && systemId.length() <= 15,
                "customers[].smpp.systemId", "must be 1..15 characters (SMPP 3.4 §5.2.1)");
        ConfigException.require(passwordHash != null && PasswordHash.isWellFormed(passwordHash),
                "customers[].smpp.passwordHash", "must be a hash made by `ebb hash-password` (pbkdf2$…), never a plain password");
        bindTypes = bindTypes == null || bindTypes.isEmpty() ? EnumSet.allOf(BindType.class) : Set.copyOf(bindTypes);
        maxBinds = maxBinds == 0 ? 4 : maxBinds;
        ConfigException.require(maxBinds >= 1 && maxBinds <= 1024, "customers[].smpp.maxBinds", "must be 1..1024, was " + maxBinds);
        receiptBinds = receiptBinds == null ? ReceiptBinds.SUBMITTING_FIRST : receiptBinds;
    }
}
