package dev.ebb.gateway.route;

import dev.ebb.gateway.core.MessageState;
import dev.ebb.gateway.core.Replacement;
import dev.ebb.gateway.core.SentMessages;
import dev.ebb.gateway.privacy.MessageHistory;
import dev.ebb.metadata.EventType;
import dev.ebb.metadata.TrafficRecord;
import java.util.List;
import java.util.Optional;

/**
 * A customer's messages after acceptance: their state from their traffic records (the source the HTTP status reads
 * too), cancel and replace through the {@link Router}, which holds the messages not yet sent.
 */
public final class CustomerMessages implements SentMessages {
    private final MessageHistory history;
    private final Router router;

    public CustomerMessages(MessageHistory history, Router router) {
        this.history = history;
        this.router = router;
    }

    @Override
    public boolean cancel(String customerId, String messageId) {
        return router.cancel(customerId, messageId);
    }

    @Override
    public boolean replace(String customerId, String messageId, Replacement replacement) {
        return router.replace(customerId, messageId, replacement);
    }

    /**
     * The latest event of the customer's message as a §5.2.28 message_state. Only a message the customer submitted
     * counts (its ACCEPTED record): an MO message's id, or another customer's, is unknown.
     */
    @Override
    public Optional<Status> status(String customerId, String messageId) {
        List<TrafficRecord> records = history.of(customerId, messageId).stream()
                .filter(r -> !r.eventType().leavesStateAsIs()).toList();
        if (records.stream().noneMatch(r -> r.eventType() == EventType.ACCEPTED)) {
            return Optional.empty();
        }
        TrafficRecord last = records.get(records.size() - 1);
        MessageState state = stateOf(last.eventType());
        return Optional.of(new Status(state, state.isFinal() ? last.eventTime() : null, last.errorCode()));
    }

    private static MessageState stateOf(EventType event) {
        return switch (event) {
            case DELIVERED -> MessageState.DELIVERED;
            case EXPIRED -> MessageState.EXPIRED;
            case UNDELIVERABLE, SUBMIT_FAILED -> MessageState.UNDELIVERABLE;
            case REJECTED -> MessageState.REJECTED;
            // Cancelled, or its content erased before delivery (the customer's DPA ended): §5.2.28 "message has
            // been deleted".
            case CANCELLED, CONTENT_ERASED -> MessageState.DELETED;
            // Accepted and not final: on its way, in Ebb or at the SMSC.
            default -> MessageState.ENROUTE;
        };
    }
}
