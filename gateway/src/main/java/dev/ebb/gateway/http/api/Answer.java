package dev.ebb.gateway.http.api;

import io.netty.handler.codec.http.FullHttpResponse;

/**
 * An answer of the customer API, and what metrics need of it.
 *
 * @param response the answer
 * @param refusal  why it refuses, as {@link ApiRefusal#reason()}; null when it does not
 * @param replayed true when it is the remembered answer of an earlier request with the same {@code Idempotency-Key}:
 *                 nothing was sent, so it is not counted as a send
 */
record Answer(FullHttpResponse response, String refusal, boolean replayed) {
    Answer(FullHttpResponse response, String refusal) {
        this(response, refusal, false);
    }
}
