package dev.ebb.gateway.compliance;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.Map;

/**
 * A disclosure request, shaped after an ETSI TS 103 120 authorisation with one disclosure task.
 *
 * @param id            the request id
 * @param authorisation the legal authority it rests on and who approved it
 * @param task          what is to be disclosed and how far it got
 * @param createdBy     the token id of the officer who opened it
 * @param createdAt     when
 */
public record DisclosureRequest(String id, Authorisation authorisation, Task task, String createdBy,
                                Instant createdAt) {
    /**
     * @param reference        the case reference
     * @param legalType        the legal basis
     * @param timespan         the window the authorisation covers
     * @param approvalRequired true when the expected size is over the four-eyes threshold
     * @param approvedBy       token id of the second officer who approved, or null
     * @param rejectedBy       token id of the officer who rejected it, or null
     */
    public record Authorisation(String reference, String legalType, Timespan timespan, boolean approvalRequired,
                                String approvedBy, String rejectedBy) {
    }

    /**
     * @param start inclusive
     * @param end   exclusive
     */
    public record Timespan(Instant start, Instant end) {
    }

    /**
     * @param selector         the records asked for within the timespan ({@code msisdn} and {@code role},
     *                         {@code messageId} or {@code customer})
     * @param state            where it stands
     * @param expectedRecords  records the selector matched when the request was opened; counting stops past the
     *                         threshold, so over it this is a lower bound
     * @param disclosedRecords records delivered so far
     * @param pagesDelivered   delivery pages fetched so far (a page fetched again is not counted twice)
     * @param cancelledBy      token id of the officer who cancelled it, or null
     * @param nextContinuation the token that fetches the next page, or null before the first and after the last
     * @param lastFetchedWith  the token the last page was fetched with (null for the first page): it may be fetched
     *                         again, for a client that lost the answer
     */
    public record Task(Map<String, String> selector, TaskState state, long expectedRecords, long disclosedRecords,
                       int pagesDelivered, String cancelledBy, String nextContinuation,
                       @JsonIgnore String lastFetchedWith) {
    }

    DisclosureRequest withState(TaskState state) {
        return new DisclosureRequest(id, authorisation, new Task(task.selector, state, task.expectedRecords,
                task.disclosedRecords, task.pagesDelivered, task.cancelledBy, task.nextContinuation,
                task.lastFetchedWith), createdBy, createdAt);
    }

    DisclosureRequest approvedBy(String tokenId) {
        return new DisclosureRequest(id, new Authorisation(authorisation.reference, authorisation.legalType,
                authorisation.timespan, authorisation.approvalRequired, tokenId, null), task, createdBy, createdAt)
                .withState(TaskState.AWAITING_DISCLOSURE);
    }

    DisclosureRequest rejectedBy(String tokenId) {
        return new DisclosureRequest(id, new Authorisation(authorisation.reference, authorisation.legalType,
                authorisation.timespan, authorisation.approvalRequired, null, tokenId), task, createdBy, createdAt)
                .withState(TaskState.REJECTED);
    }

    DisclosureRequest cancelledBy(String tokenId) {
        return new DisclosureRequest(id, authorisation, new Task(task.selector, TaskState.CANCELLED,
                task.expectedRecords, task.disclosedRecords, task.pagesDelivered, tokenId, null, null), createdBy,
                createdAt);
    }

    /** A new page delivered, fetched with {@code fetchedWith}; {@code next} fetches the one after, null at the end. */
    DisclosureRequest delivered(long records, String fetchedWith, String next) {
        return new DisclosureRequest(id, authorisation, new Task(task.selector,
                next == null ? TaskState.DISCLOSED : TaskState.AWAITING_DISCLOSURE, task.expectedRecords,
                task.disclosedRecords + records, task.pagesDelivered + 1, null, next, fetchedWith), createdBy,
                createdAt);
    }
}
