package dev.ebb.gateway.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** When Ebb tells a customer "accepted" ({@code storage.durability}); README "Durability modes" says what each survives. */
public enum Durability {
    /** Once the message is in the operating system's page cache: survives {@code kill -9} of Ebb, not a power cut. */
    PROCESS("process"),
    /**
     * Once a group commit has forced the content vault and the metadata store to the device: survives a power cut
     * too, at the cost of waiting up to {@code storage.fsyncInterval} plus one fsync.
     */
    FSYNC("fsync");

    private final String text;

    Durability(String text) {
        this.text = text;
    }

    @JsonCreator
    public static Durability of(String text) {
        return Arrays.stream(values()).filter(v -> v.text.equals(text)).findFirst().orElseThrow(() ->
                new ConfigException("storage.durability", "must be process or fsync, was " + text));
    }

    @JsonValue
    @Override
    public String toString() {
        return text;
    }
}
