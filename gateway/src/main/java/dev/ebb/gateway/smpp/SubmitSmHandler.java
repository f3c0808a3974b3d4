package dev.ebb.gateway.smpp;

import dev.ebb.gateway.smpp.pdu.Pdu;
import java.util.concurrent.CompletionStage;

/**
 * What a bound session hands each valid submit_sm or data_sm (SMPP 3.4 §4.4, §4.7) to. Called on the session's event
 * loop: must not block for long.
 */
@FunctionalInterface
public interface SubmitSmHandler {
    CompletionStage<SubmitOutcome> submit(SessionInfo session, Pdu.MessagePdu submit);

    /**
     * A submit the session answered itself, without handing it over: over the window, the customer's rate, or sent
     * on a receiver bind. For logs and metrics; a handler that reports nothing ignores it.
     */
    default void refused(SessionInfo session, Pdu.MessagePdu submit, SubmitRefusals.Refusal refusal) {
    }

    /**
     * The response to a submit, handed over or not, was written {@code nanos} after the submit was read (metrics). On
     * the session's event loop.
     */
    default void answered(SessionInfo session, int commandStatus, long nanos) {
    }
}
