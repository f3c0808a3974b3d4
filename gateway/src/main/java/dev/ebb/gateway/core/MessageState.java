package dev.ebb.gateway.core;

import java.util.Locale;
import java.util.Optional;

/**
 * SMPP 3.4 §5.2.28 message_state, with the {@code stat:} word of the delivery receipt text (SMPP 3.4 Appendix B).
 */
public enum MessageState {
    ENROUTE(1, "ENROUTE", false),
    DELIVERED(2, "DELIVRD", true),
    EXPIRED(3, "EXPIRED", true),
    DELETED(4, "DELETED", true),
    UNDELIVERABLE(5, "UNDELIV", true),
    ACCEPTED(6, "ACCEPTD", true),
    /** Not final: SMPP 5.0 Table 4-50 gives it no type, so a later receipt may still settle the message. */
    UNKNOWN(7, "UNKNOWN", false),
    REJECTED(8, "REJECTD", true);

    private final int code;
    private final String stat;
    private final boolean isFinal;

    MessageState(int code, String stat, boolean isFinal) {
        this.code = code;
        this.stat = stat;
        this.isFinal = isFinal;
    }

    /** The message_state value (§5.2.28), as in query_sm_resp and the message_state TLV (§5.3.2.35). */
    public int code() {
        return code;
    }

    /** The seven-letter word of the receipt's {@code stat:} field. */
    public String stat() {
        return stat;
    }

    /** Whether no further state change follows; the message's content may then go before its 72 h. */
    public boolean isFinal() {
        return isFinal;
    }

    /**
     * The state with this message_state value.
     *
     * @throws IllegalArgumentException for values outside 1..8
     */
    public static MessageState ofCode(int code) {
        for (MessageState state : values()) {
            if (state.code == code) {
                return state;
            }
        }
        throw new IllegalArgumentException("message_state " + code + " is not in 1..8 (SMPP 3.4 §5.2.28)");
    }

    /** The state a receipt's {@code stat:} word names, in any case; the full names (DELIVERED, …) are accepted too. */
    public static Optional<MessageState> fromStat(String word) {
        String upper = word.trim().toUpperCase(Locale.ROOT);
        for (MessageState state : values()) {
            if (state.stat.equals(upper) || state.name().equals(upper)) {
                return Optional.of(state);
            }
        }
        return Optional.empty();
    }
}
