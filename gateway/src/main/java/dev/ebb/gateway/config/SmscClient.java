package dev.ebb.gateway.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** Which SMPP client implementation a connector uses ({@code connectors[].client}). */
public enum SmscClient {
    /**
     * Ebb's own: Netty and Ebb's codec, a window of submits in flight per bind correlated by sequence number; no
     * thread waits for a response.
     */
    NETTY("netty"),
    /** jSMPP 3.0.2, a thread blocked per outstanding submit; for SMSCs where someone wants that library. */
    JSMPP("jsmpp");

    private final String text;

    SmscClient(String text) {
        this.text = text;
    }

    @JsonCreator
    public static SmscClient of(String text) {
        return Arrays.stream(values()).filter(v -> v.text.equals(text)).findFirst().orElseThrow(() ->
                new ConfigException("connectors[].client", "must be netty or jsmpp, was " + text));
    }

    @JsonValue
    @Override
    public String toString() {
        return text;
    }
}
