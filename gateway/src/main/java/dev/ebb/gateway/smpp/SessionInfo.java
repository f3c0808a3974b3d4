package dev.ebb.gateway.smpp;

import dev.ebb.gateway.core.BindType;

/** Who is on the other end of a bound session: what ingress hands on with each submit. */
public record SessionInfo(String customerId, String systemId, BindType bindType, String clientAddress, long sessionId) {
}
