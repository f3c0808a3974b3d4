package dev.ebb.gateway.route;

/**
 * The connector gives a queued message back unsent: its SMSC has had no bind for longer than the route's
 * {@code fallbackAfter}, and the router sends the message on by the route's fallback instead.
 */
public final class WithdrawnException extends RuntimeException {
    public WithdrawnException(String connector) {
        super("withdrawn from connector " + connector, null, false, false);
    }
}
