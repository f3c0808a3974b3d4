package dev.ebb.metadata;

/** How the message (or event) reached Ebb: the "type of service" and originating session of the retained data. */
public enum Channel {
    /** A customer's SMPP 3.4 bind. */
    SMPP(1),
    /** The customer HTTP API. */
    HTTP(2),
    /** An operator SMSC (mobile-originated messages and receipts arriving southbound). */
    SMSC(3);

    private final int code;

    Channel(int code) {
        this.code = code;
    }

    /** The stable on-disk code of this channel. */
    public int code() {
        return code;
    }

    static Channel ofCode(int code) {
        for (Channel c : values()) {
            if (c.code == code) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown channel code " + code);
    }
}
