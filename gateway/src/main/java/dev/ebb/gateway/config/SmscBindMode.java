package dev.ebb.gateway.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** How each of a connector's binds reaches the SMSC ({@code connectors[].bindMode}, SMPP 3.4 §4.1). */
public enum SmscBindMode {
    /** One connection, bind_transceiver: submits and receipts share it. */
    TRANSCEIVER("transceiver"),
    /**
     * Two connections, bind_transmitter for submits and bind_receiver for receipts and MO, for SMSCs that offer no
     * transceiver bind (SMPP 3.3 heritage) or keep receipts apart.
     */
    TRANSMITTER_RECEIVER("transmitter-receiver");

    private final String text;

    SmscBindMode(String text) {
        this.text = text;
    }

    @JsonCreator
    public static SmscBindMode of(String text) {
        return Arrays.stream(values()).filter(v -> v.text.equals(text)).findFirst().orElseThrow(() ->
                new ConfigException("connectors[].bindMode", "must be transceiver or transmitter-receiver, was " + text));
    }

    @JsonValue
    @Override
    public String toString() {
        return text;
    }
}
