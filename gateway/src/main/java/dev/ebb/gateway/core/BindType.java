package dev.ebb.gateway.core;

/** The three ways an ESME binds (SMPP 3.4 §4.1). */
public enum BindType {
    TRANSMITTER(true, false),
    RECEIVER(false, true),
    TRANSCEIVER(true, true);

    private final boolean canSubmit;
    private final boolean canReceive;

    BindType(boolean canSubmit, boolean canReceive) {
        this.canSubmit = canSubmit;
        this.canReceive = canReceive;
    }

    /** May send submit_sm. */
    public boolean canSubmit() {
        return canSubmit;
    }

    /** May be sent deliver_sm (receipts, MO). */
    public boolean canReceive() {
        return canReceive;
    }
}
