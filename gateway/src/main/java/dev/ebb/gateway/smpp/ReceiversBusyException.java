package dev.ebb.gateway.smpp;

/** Every receiver of the customer has a full outbound window or an outbound buffer over its high-water mark. */
public final class ReceiversBusyException extends RuntimeException {
    public ReceiversBusyException(String customerId) {
        super("no receiver of customer " + customerId + " can take a deliver_sm now", null, false, false);
    }
}
