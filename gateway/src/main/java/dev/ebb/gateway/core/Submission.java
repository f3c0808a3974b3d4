package dev.ebb.gateway.core;

import dev.ebb.metadata.Channel;
import java.time.Instant;

/**
 * An accepted message as the content vault keeps it: what to submit, and how it came in (so traffic
 * records of its later events, written after a restart too, still name its ingress).
 */
public record Submission(OutboundMessage message, Ingress ingress, Instant acceptedAt) {

    /** Where a submission came from: the retained "originating equipment/session" of the traffic data. */
    public record Ingress(Channel channel, String systemId, String clientIp) {
    }
}
