package dev.ebb.gateway.smpp;

import dev.ebb.gateway.smpp.pdu.CommandStatus;

/** The answer to a submit_sm: ESME_ROK with Ebb's message id, or an error status and no id. */
public record SubmitOutcome(int commandStatus, String messageId) {
    public static SubmitOutcome accepted(String messageId) {
        return new SubmitOutcome(CommandStatus.ESME_ROK, messageId);
    }

    public static SubmitOutcome refused(int commandStatus) {
        return new SubmitOutcome(commandStatus, "");
    }
}
