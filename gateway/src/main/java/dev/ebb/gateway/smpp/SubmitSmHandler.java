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
}
