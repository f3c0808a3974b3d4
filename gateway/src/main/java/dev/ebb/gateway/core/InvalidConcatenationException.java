package dev.ebb.gateway.core;

/**
 * A malformed user data header or inconsistent sar_* TLVs; maps to ESME_RINVESMCLASS (0x43) for a UDH and to
 * ESME_RINVOPTPARAMVAL (0xC4) for sar_* TLVs (SMPP 3.4 §5.1.3).
 */
public final class InvalidConcatenationException extends InvalidMessageException {
    public InvalidConcatenationException(String message) {
        super(message);
    }
}
