package dev.ebb.gateway.http.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ebb.gateway.config.CustomerConfig;
import dev.ebb.gateway.http.Problem;
import dev.ebb.gateway.http.Responses;
import dev.ebb.model.Msisdn;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One text to up to {@value #MAX_RECIPIENTS} recipients ({@code "to": [...]}): sender, text, validity and reference
 * are checked once for all (a fault there refuses the whole request), each recipient is then read and admitted on its
 * own, as a single-recipient POST would be, charged one submit per segment against the customer's rate, all or none
 * of its segments. A recipient that is no number, has no route or finds the rate spent gets its own problem; the
 * others are sent. A number given twice (after normalising, so {@code +4790000001} and {@code 4790000001} are one)
 * refuses the whole request, naming both indexes: sending it once would hide a client's bug, twice would send a
 * handset the same text twice.
 *
 * <p>The answer lists a result per recipient in the request's order, by index, with no number: the client has its
 * own array, and an answer without numbers can be remembered for an {@code Idempotency-Key} (see
 * {@link IdempotentPosts}) without keeping numbers on disk. 202 when at least one recipient was accepted; when none
 * was, a problem (status the one the refusals share, else the highest) with the same results, so a batch that sent
 * nothing reads as an error.
 */
final class BatchSend {
    /** The most recipients of one request. */
    static final int MAX_RECIPIENTS = 1_000;
    private static final Logger LOG = LoggerFactory.getLogger(BatchSend.class);

    private BatchSend() {
    }

    /**
     * What became of each recipient, in order.
     *
     * @param results  one per recipient, by index
     * @param segments the segments of the text, the same for every recipient
     * @param encoding GSM7 or UCS2
     */
    record Results(List<Result> results, int segments, String encoding) {
        /** The answer: 202 with the results, or the problem of a batch of which nothing was sent. */
        Answer answer() {
            List<Item> items = results.stream().map(Result::item).toList();
            List<ApiRefusal> refusals = results.stream().map(Result::refusal).filter(r -> r != null).toList();
            int accepted = results.size() - refusals.size();
            try {
                if (accepted > 0) {
                    return new Answer(Responses.of(202, Responses.JSON, Responses.mapper().writeValueAsBytes(
                            new Accepted(items, accepted, refusals.size(), segments, encoding))), null);
                }
                ApiRefusal worst = refusals.stream().allMatch(r -> r.status() == refusals.get(0).status())
                        ? refusals.get(0) : refusals.stream().reduce((a, b) -> b.status() > a.status() ? b : a)
                        .orElseThrow();
                FullHttpResponse response = Responses.of(worst.status(), Responses.PROBLEM_JSON,
                        Responses.mapper().writeValueAsBytes(new Refused("/problems/batch-refused",
                                "No recipient accepted", worst.status(), "none of the " + results.size()
                                + " recipients was accepted; see results", "to", items)));
                if (worst.status() == 429 || worst.status() == 503) {
                    response.headers().setInt(HttpHeaderNames.RETRY_AFTER, worst.retryAfterSeconds());
                }
                return new Answer(response, worst.reason());
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("batch answer cannot be serialised", e);
            }
        }
    }

    /**
     * One recipient's outcome.
     *
     * @param index      its place in {@code to}, from 0
     * @param messageIds one id per segment when accepted, else null
     * @param refusal    why it was not, else null
     */
    record Result(int index, List<String> messageIds, ApiRefusal refusal) {
        Item item() {
            return new Item(index, messageIds == null ? null : messageIds.stream().map(MessageId::new).toList(),
                    refusal == null ? null : refusal.problem());
        }
    }

    /** The 202 answer. */
    private record Accepted(List<Item> results, int accepted, int refused, int segments, String encoding) {
    }

    /** The problem answer (RFC 9457 with the extension member {@code results}) when no recipient was accepted. */
    private record Refused(String type, String title, int status, String detail, String field, List<Item> results) {
    }

    /** A result as the answer shows it: {@code messages} or {@code problem}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    private record Item(int index, List<MessageId> messages, Problem problem) {
    }

    private record MessageId(String id) {
    }

    /**
     * The recipients of a {@code to} array: 1..{@value #MAX_RECIPIENTS} strings.
     *
     * @throws ApiRefusal 400 naming {@code to}, or the first element at fault ({@code to[1000]} for one too many)
     */
    static List<String> recipients(JsonNode to) {
        if (to.isEmpty()) {
            throw ApiRefusal.invalid("to", "to is an empty array: give 1.." + MAX_RECIPIENTS + " recipients");
        }
        if (to.size() > MAX_RECIPIENTS) {
            throw ApiRefusal.invalid("to[" + MAX_RECIPIENTS + "]", "to has " + to.size() + " recipients; a batch"
                    + " takes at most " + MAX_RECIPIENTS + " (to[0] .. to[" + (MAX_RECIPIENTS - 1) + "])");
        }
        List<String> recipients = new ArrayList<>(to.size());
        for (int i = 0; i < to.size(); i++) {
            if (!to.get(i).isTextual()) {
                throw ApiRefusal.invalid("to[" + i + "]", "to[" + i + "] must be a string");
            }
            recipients.add(to.get(i).textValue());
        }
        return recipients;
    }

    /**
     * @throws ApiRefusal 400 when the request as a whole is not valid: a shared field, or a number given twice
     */
    static CompletionStage<Results> send(MessageApi api, CustomerConfig customer, String clientIp,
                                         SendRequest request) {
        List<String> to = request.recipients();
        MessageApi.Prepared message = api.prepare(customer, request);
        Msisdn[] numbers = new Msisdn[to.size()];
        ApiRefusal[] invalid = new ApiRefusal[to.size()];
        Map<String, Integer> firstIndex = new HashMap<>();
        for (int i = 0; i < numbers.length; i++) {
            try {
                numbers[i] = MessageApi.destination(customer, to.get(i));
            } catch (ApiRefusal e) {
                invalid[i] = e;
                continue;
            }
            Integer earlier = firstIndex.putIfAbsent(numbers[i].e164(), i);
            if (earlier != null) {
                throw ApiRefusal.invalid("to[" + i + "]", "to[" + i + "] is the same number as to[" + earlier
                        + "]: a batch names each recipient once; nothing was sent");
            }
        }
        List<CompletableFuture<Result>> results = new ArrayList<>(numbers.length);
        for (int i = 0; i < numbers.length; i++) {
            int index = i;
            if (invalid[i] != null) {
                results.add(CompletableFuture.completedFuture(new Result(i, null, invalid[i])));
                continue;
            }
            CompletableFuture<Result> result;
            try {
                result = api.sendTo(customer, clientIp, message, numbers[i]).toCompletableFuture()
                        .handle((sent, failure) -> failure == null ? new Result(index, sent.messageIds(), null)
                                : new Result(index, null, refusal(failure)));
            } catch (RuntimeException e) {
                result = CompletableFuture.completedFuture(new Result(i, null, refusal(e)));
            }
            results.add(result);
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(done -> new Results(
                results.stream().map(CompletableFuture::join).toList(), message.segments().size(),
                message.coding().name()));
    }

    private static ApiRefusal refusal(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
                : failure;
        if (cause instanceof ApiRefusal r) {
            return r;
        }
        // Only the type: a message could carry content or a number (DESIGN invariant 1).
        LOG.error("a recipient of a batch could not be sent: {}", cause.getClass().getName());
        return new ApiRefusal(500, "not-accepted", null, "the message could not be accepted; nothing was sent");
    }
}
