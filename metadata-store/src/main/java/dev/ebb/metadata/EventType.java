package dev.ebb.metadata;

/**
 * The events of a message's life that are recorded as traffic data. Each change of state is a new record;
 * nothing is ever updated in place.
 */
public enum EventType {
    /** The gateway accepted a submission from a customer (submit_sm_resp / HTTP 202 sent). */
    ACCEPTED(1),
    /** The gateway refused a submission (validation, throttling, authorisation). */
    REJECTED(2),
    /** A route (connector) was chosen for the message. */
    ROUTED(3),
    /** The message was submitted southbound to an operator SMSC. */
    SUBMITTED(4),
    /** The southbound submission failed. */
    SUBMIT_FAILED(5),
    /** A delivery receipt reported the message delivered. */
    DELIVERED(6),
    /** A delivery receipt reported the message undeliverable. */
    UNDELIVERABLE(7),
    /** A delivery receipt reported the message expired. */
    EXPIRED(8),
    /** A mobile-originated message was received from an SMSC. */
    MO_RECEIVED(9),
    /** A delivery receipt was forwarded to the customer (deliver_sm or webhook). */
    RECEIPT_FORWARDED(10),
    /** The message content was erased from the content vault. */
    CONTENT_ERASED(11),
    /** The customer cancelled the message before it left the gateway (SMPP cancel_sm); its content is gone. */
    CANCELLED(12),
    /** The customer replaced the content of a message not yet sent (SMPP replace_sm); the old content is gone. */
    REPLACED(13),
    /**
     * A submit_sm of the message went unanswered (response timeout, connection lost) and is sent again: the SMSC
     * may have received it twice.
     */
    SUBMIT_UNCONFIRMED(14),
    /**
     * The customer did not take the message's receipt within {@code receipts.retryFor} of its final state (no receiver
     * bound, a receiptUrl that kept failing, or the gateway down that long): it is no longer offered. The message keeps
     * its final state; this record says the customer was never told it.
     */
    RECEIPT_DROPPED(15),
    /**
     * A receipt owed to the customer was offered again from the receipt outbox after a restart: the customer may
     * have taken it before the crash, so this one may be a duplicate with the same receipted_message_id.
     */
    RECEIPT_RESENT(16),
    /**
     * A submit_sm given up as unanswered (SUBMIT_UNCONFIRMED) was answered ESME_ROK after all, late: the SMSC took the
     * message twice. The record carries the SMSC's id of that second copy; the message's own life goes on by the other.
     */
    SUBMIT_DUPLICATE(17);

    private static final EventType[] BY_CODE = new EventType[18];

    static {
        for (EventType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;

    EventType(int code) {
        this.code = code;
    }

    /** True for the events after which nothing more happens to a message (a receipt may still be forwarded). */
    public boolean isFinal() {
        return switch (this) {
            case DELIVERED, UNDELIVERABLE, EXPIRED, SUBMIT_FAILED, REJECTED, CONTENT_ERASED, CANCELLED -> true;
            default -> false;
        };
    }

    /** True for the events of the customer's receipt, which follow a message's final state and do not change it. */
    public boolean isReceiptEvent() {
        return switch (this) {
            case RECEIPT_FORWARDED, RECEIPT_DROPPED, RECEIPT_RESENT -> true;
            default -> false;
        };
    }

    /**
     * True for the events that say something about a message without changing its state: its receipt's, and a
     * duplicate the SMSC took (a late answer may come after the message's final state).
     */
    public boolean leavesStateAsIs() {
        return isReceiptEvent() || this == SUBMIT_DUPLICATE;
    }

    /** The stable on-disk code of this event type; never reused. */
    public int code() {
        return code;
    }

    static EventType ofCode(int code) {
        EventType t = code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
        if (t == null) {
            throw new IllegalArgumentException("unknown event type code " + code);
        }
        return t;
    }
}
