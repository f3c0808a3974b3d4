package dev.ebb.gateway.smpp;

import dev.ebb.gateway.smpp.pdu.Pdu;
import java.util.concurrent.CompletionStage;

/**
 * What a bound session hands query_sm, cancel_sm and replace_sm to (SMPP 3.4 §4.8–§4.10). Called on the session's
 * event loop: must not block.
 *
 * @see SmppOperations
 */
@FunctionalInterface
public interface MessageOperations {
    /** @return the request's own response */
    CompletionStage<Pdu.Response> handle(SessionInfo session, Pdu.Request<?> request);
}
