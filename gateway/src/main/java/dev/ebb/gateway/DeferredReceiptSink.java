package dev.ebb.gateway;

import dev.ebb.gateway.receipt.CustomerReceipt;
import dev.ebb.gateway.receipt.ReceiptSink;

/**
 * Breaks the one cycle in the wiring: receipts flow to the SMPP server's sessions, and the server is
 * built after the receipt handler. Nothing can be forwarded before {@link #bind} runs, because no
 * message is accepted before the server starts.
 */
final class DeferredReceiptSink implements ReceiptSink {
    private volatile ReceiptSink target;

    void bind(ReceiptSink sink) {
        this.target = sink;
    }

    @Override
    public void forward(CustomerReceipt receipt) {
        target.forward(receipt);
    }
}
