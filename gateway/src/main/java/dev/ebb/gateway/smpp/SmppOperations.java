package dev.ebb.gateway.smpp;

import dev.ebb.gateway.core.SentMessages;
import dev.ebb.gateway.core.ValidityPeriod;
import dev.ebb.gateway.smpp.pdu.CommandStatus;
import dev.ebb.gateway.smpp.pdu.Pdu;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * query_sm (SMPP 3.4 §4.8) on a customer's own messages, off the event loop: it reads the metadata store, which
 * a session's other PDUs should not wait behind.
 */
public final class SmppOperations implements MessageOperations {
    private final SentMessages messages;
    private final Executor executor;

    /** @param executor runs the store reads and writes of each operation */
    public SmppOperations(SentMessages messages, Executor executor) {
        this.messages = messages;
        this.executor = executor;
    }

    @Override
    public CompletionStage<Pdu.Response> handle(SessionInfo session, Pdu.Request<?> request) {
        return CompletableFuture.supplyAsync(() -> {
            if (request instanceof Pdu.QuerySm query) {
                return query(session, query);
            }
            return request.errorResponse(CommandStatus.ESME_RINVCMDID);
        }, executor);
    }

    /**
     * §4.8.2: the state, and the final date once final. A message of another customer is answered as one that does
     * not exist: §5.1.3 0x67 ESME_RQUERYFAIL, never a sign that it exists.
     */
    private Pdu.Response query(SessionInfo session, Pdu.QuerySm query) {
        Optional<SentMessages.Status> status = messages.status(session.customerId(), query.messageId());
        if (status.isEmpty()) {
            return query.errorResponse(CommandStatus.ESME_RQUERYFAIL);
        }
        SentMessages.Status s = status.get();
        return new Pdu.QuerySmResp(query.sequenceNumber(), CommandStatus.ESME_ROK, query.messageId(),
                s.finalDate() == null ? "" : ValidityPeriod.format(s.finalDate()), (byte) s.state().code(),
                (byte) s.errorCode());
    }
}
