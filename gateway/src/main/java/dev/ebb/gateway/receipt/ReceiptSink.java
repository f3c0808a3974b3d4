package dev.ebb.gateway.receipt;

/** Takes receipts to customers; the SMPP implementation retries until one of the customer's receivers answers. */
@FunctionalInterface
public interface ReceiptSink {
    void forward(CustomerReceipt receipt);
}
