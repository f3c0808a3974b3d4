package dev.ebb.gateway.smpp;

import java.net.InetAddress;

/**
 * The bind a message came in on, as far as Ebb still knows it: where its receipt prefers to go.
 *
 * @param sessionId     the submitting session ({@link SessionInfo#sessionId()}), 0 when none or not known (HTTP, or
 *                      a message accepted before a restart)
 * @param clientAddress the client address it submitted from, or {@code null}
 */
public record Submitter(long sessionId, InetAddress clientAddress) {
}
