package dev.ebb.gateway.route;

import dev.ebb.gateway.core.OutboundMessage;
import dev.ebb.gateway.core.SmppAddress;
import dev.ebb.gateway.privacy.PrivacyInterceptor;
import dev.ebb.gateway.privacy.VaultHandle;
import dev.ebb.metadata.TrafficRecord;

/**
 * What the gateway holds of a message between acceptance and its final state: a vault handle, never the
 * content, plus the addressing a receipt to the customer needs.
 *
 * @param receiptWanted the customer asked for a delivery receipt (registered_delivery)
 * @param sessionId     the SMPP session that submitted it (its receipt prefers that bind), 0 when none or unknown
 */
public record InFlight(PrivacyInterceptor.Accepted accepted, String route, SmppAddress source, SmppAddress destination,
                       boolean receiptWanted, long sessionId) {

    /** {@code message}, accepted as {@code accepted}, on its way to the route its record names. */
    public static InFlight of(PrivacyInterceptor.Accepted accepted, OutboundMessage message, long sessionId) {
        return new InFlight(accepted, accepted.record().route(), message.source(), message.destination(),
                message.wantsReceipt(), sessionId);
    }

    /**
     * What a receipt needs, rebuilt from the ACCEPTED record when the content (which holds the rest) cannot be read.
     * A receipt is sent: the customer's registered_delivery is in that content, and an accepted message that ends
     * unsent must not end in silence.
     */
    public static InFlight fromRecord(PrivacyInterceptor.Accepted accepted) {
        TrafficRecord r = accepted.record();
        return new InFlight(accepted, r.route(), new SmppAddress((byte) r.source().ton(), (byte) r.source().npi(),
                r.source().value()), SmppAddress.international(r.destination()), true, 0);
    }

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
