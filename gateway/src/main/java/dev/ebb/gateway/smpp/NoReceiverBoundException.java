package dev.ebb.gateway.smpp;

/** A deliver_sm for a customer none of whose binds can receive right now. */
public final class NoReceiverBoundException extends RuntimeException {
    public NoReceiverBoundException(String customerId) {
        super("customer " + customerId + " has no receiver or transceiver bound", null, false, false);
    }
}
