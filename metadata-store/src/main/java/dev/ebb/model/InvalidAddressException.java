package dev.ebb.model;

/**
 * An address that is no valid E.164 number, short code or alphanumeric originator; maps to ESME_RINVDSTADR (0x0B) or
 * ESME_RINVSRCADR (0x0A) at SMPP ingress, to a 400 at the HTTP APIs. An IllegalArgumentException, as the store's
 * own argument checks are. The message masks the address; {@link #rule()} names what was wrong without it.
 */
public final class InvalidAddressException extends IllegalArgumentException {
    private final AddressRule rule;

    public InvalidAddressException(AddressRule rule, String message) {
        super(message);
        this.rule = rule;
    }

    /** The rule the address broke. */
    public AddressRule rule() {
        return rule;
    }
}
