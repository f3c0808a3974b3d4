package dev.ebb.gateway.receipt;

import dev.ebb.gateway.core.MessageState;
import dev.ebb.gateway.privacy.VaultHandle;
import dev.ebb.gateway.route.InFlight;
import dev.ebb.gateway.smpp.pdu.DeliveryReceipt;
import java.time.Instant;

/**
 * A final state to report to the customer who sent the message (as deliver_sm, or a webhook).
 *
 * @param owed where the {@link ReceiptOutbox} keeps it until the customer has it; null until it is owed there
 */
public record CustomerReceipt(InFlight message, MessageState state, int errorCode, Instant doneAt, VaultHandle owed) {

    /** A receipt not yet in the outbox. */
    public CustomerReceipt(InFlight message, MessageState state, int errorCode, Instant doneAt) {
        this(message, state, errorCode, doneAt, null);
    }

    /** The SMPP 3.4 Appendix B receipt text, with Ebb's id and an empty {@code text:} (no content in receipts). */
    public String text() {
        return new DeliveryReceipt(message.messageId(), 1, state == MessageState.DELIVERED ? 1 : 0,
                message.acceptedAt(), doneAt, state, errorCode).format();
    }

    CustomerReceipt owedAt(VaultHandle handle) {
        return new CustomerReceipt(message, state, errorCode, doneAt, handle);
    }
}
