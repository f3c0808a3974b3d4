package dev.ebb.gateway.core;

/** A data_coding value Ebb does not handle; maps to ESME_RSUBMITFAIL (0x45): SMPP 3.4 §5.1.3 has no data_coding status. */
public final class UnsupportedDataCodingException extends InvalidMessageException {
    public UnsupportedDataCodingException(int dataCoding) {
        super(String.format("data_coding 0x%02X is not supported (SMPP 3.4 §5.2.19)", dataCoding));
    }
}
