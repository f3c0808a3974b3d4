package dev.ebb.gateway.core;

import dev.ebb.metadata.Channel;
import java.time.Instant;

/**
 * An accepted message as the content vault keeps it: what to submit, and how it came in (so traffic
 * records of its later events, written after a restart too, still name its ingress).
 */
public record Submission(OutboundMessage message, Ingress ingress, Instant acceptedAt) {

    /**
     * Where a submission came from: the retained "originating equipment/session" of the traffic data.
     *
     * @param sessionId the SMPP session that submitted it, so its receipts can go back to that bind; 0 for HTTP and
     *                  for a submission read back from the vault: it is not kept, session ids start again on restart
     * @param reference the customer's reference for the message (HTTP {@code reference}), or null: traffic data the
     *                  customer chose, kept with the message so the records of its later events carry it too
     */
    public record Ingress(Channel channel, String systemId, String clientIp, long sessionId, String reference) {
        /** An ingress of an SMPP session, with no reference. */
        public Ingress(Channel channel, String systemId, String clientIp, long sessionId) {
            this(channel, systemId, clientIp, sessionId, null);
        }

        /** An ingress with no SMPP session to send receipts back to. */
        public Ingress(Channel channel, String systemId, String clientIp) {
            this(channel, systemId, clientIp, 0);
        }
    }
}
