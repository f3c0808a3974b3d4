package dev.ebb.gateway.core;

import dev.ebb.model.Msisdn;

/** An SMPP address as carried on the wire: TON, NPI and the digits or alphanumeric text (SMPP 3.4 §5.2.5–5.2.8). */
public record SmppAddress(byte ton, byte npi, String value) {
    public SmppAddress {
        value = value == null ? "" : value;
    }

    /** An international number ({@code +4790000001} or {@code 4790000001}) as TON 1 / NPI 1 without the plus. */
    public static SmppAddress international(String e164) {
        return new SmppAddress((byte) 1, (byte) 1, e164.startsWith("+") ? e164.substring(1) : e164);
    }

    @Override
    public String toString() {
        // Never print the number itself: addresses end up in exception messages and logs.
        return "SmppAddress[ton=" + ton + ", npi=" + npi + ", value=" + Msisdn.mask(value) + "]";
    }
}
