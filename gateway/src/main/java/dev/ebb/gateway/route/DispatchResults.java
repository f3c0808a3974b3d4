package dev.ebb.gateway.route;

import dev.ebb.gateway.core.MessageState;

/**
 * Where the router reports what became of each message it dispatched ({@code receipt.ReceiptHandler}, which then
 * waits for the SMSC's receipt or ends the message). Declared here so that routing needs nothing of the stages
 * after it.
 */
public interface DispatchResults {
    /** The SMSC took the message under {@code smscId}; its receipt will name that id. */
    void submitted(InFlight message, String connector, String smscId);

    /** The message ended without (or before) an SMSC receipt. */
    void finish(InFlight message, MessageState state, String smscId, int commandStatus, int errorCode);
}
