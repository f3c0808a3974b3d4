package dev.ebb.gateway.receipt;

import dev.ebb.gateway.core.SmppAddress;
import dev.ebb.gateway.privacy.PrivacyInterceptor;
import dev.ebb.gateway.privacy.VaultHandle;
import dev.ebb.metadata.TrafficRecord;

/**
 * What the gateway holds of a message between acceptance and its final state: a vault handle, never the
 * content, plus the addressing a receipt to the customer needs.
 *
 * @param receiptWanted the customer asked for a delivery receipt (registered_delivery)
 */
public record InFlight(PrivacyInterceptor.Accepted accepted, String route, SmppAddress source, SmppAddress destination,
                       boolean receiptWanted) {

    public VaultHandle handle() {
        return accepted.handle();
    }

    public TrafficRecord record() {
        return accepted.record();
    }

    public String messageId() {
        return accepted.record().messageId();
    }

    public String customerId() {
        return accepted.record().customerId();
    }
}
