package dev.ebb.gateway.receipt;

import java.time.Instant;

/**
 * What becomes of a receipt a {@link ReceiptSink} was handed, told by the sink; the {@link ReceiptOutbox} keeps the
 * receipt on disk until it is taken or given up.
 */
public interface ReceiptLedger {
    /** The customer took it (deliver_sm_resp 0, or a 2xx): recorded as RECEIPT_FORWARDED, and owed no more. */
    void taken(CustomerReceipt receipt);

    /** Not taken by {@link #giveUpAt}: recorded as RECEIPT_DROPPED, counted, and owed no more. */
    void givenUp(CustomerReceipt receipt);

    /**
     * The sink lets it go for want of room in memory (its customer has too many waiting): it stays owed on disk, and
     * is handed again once the customer takes what it holds.
     */
    void setAside(CustomerReceipt receipt);

    /** When a receipt not taken yet is given up: a fixed time after its message's final state. */
    Instant giveUpAt(CustomerReceipt receipt);
}
