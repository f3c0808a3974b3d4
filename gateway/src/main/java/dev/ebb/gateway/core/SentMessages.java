package dev.ebb.gateway.core;

import java.time.Instant;
import java.util.Optional;

/**
 * What a customer may do with a message after Ebb accepted it: ask what became of it (SMPP 3.4 §4.8) and, while
 * Ebb still holds it, cancel (§4.9) or replace it (§4.10). Another customer's message is as unknown as one never
 * sent. Declared here so that an ingress needs nothing of the stages after it ({@code route.CustomerMessages}).
 */
public interface SentMessages {

    /** The state of the customer's message, from its traffic records; empty when it has no such message. */
    Optional<Status> status(String customerId, String messageId);

    /**
     * Cancels the customer's message if Ebb has not handed it to an SMSC yet: it ends DELETED.
     *
     * @return false when there is no such message of the customer, or it has left Ebb or ended
     */
    boolean cancel(String customerId, String messageId);

    /**
     * Replaces the content of the customer's message if Ebb has not handed it to an SMSC yet.
     *
     * @return false when there is no such message of the customer, or it has left Ebb or ended
     * @throws InvalidMessageException when the new content does not fit the message (its user data header) or would
     *                                 expire before it is scheduled
     */
    boolean replace(String customerId, String messageId, Replacement replacement);

    /**
     * @param state     the §5.2.28 message_state
     * @param finalDate when it reached a final state; null before
     * @param errorCode the network's error code of a failed delivery, 0 otherwise
     */
    record Status(MessageState state, Instant finalDate, int errorCode) {
    }
}
