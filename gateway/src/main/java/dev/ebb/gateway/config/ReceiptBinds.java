package dev.ebb.gateway.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/**
 * Which of a customer's receiver binds (receiver or transceiver) a delivery receipt goes to, when several
 * applications share its system_id ({@code customers[].smpp.receiptBinds}).
 */
public enum ReceiptBinds {
    /**
     * The bind that submitted the message while it is up; for a message submitted by a transmitter, or by a bind
     * gone since, a receiver bound from the same client address; else any receiver of the system_id.
     */
    SUBMITTING_FIRST("submitting-first"),
    /** Any receiver of the system_id, round-robin. */
    ANY("any");

    private final String text;

    ReceiptBinds(String text) {
        this.text = text;
    }

    @JsonCreator
    public static ReceiptBinds of(String text) {
        return Arrays.stream(values()).filter(v -> v.text.equals(text)).findFirst().orElseThrow(() ->
                new ConfigException("customers[].smpp.receiptBinds", "must be submitting-first or any, was " + text));
    }

    @JsonValue
    @Override
    public String toString() {
        return text;
    }
}
