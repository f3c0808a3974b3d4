package dev.ebb.gateway.http.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ebb.gateway.http.Responses;
import dev.ebb.gateway.http.StrictJson;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code Idempotency-Key} on {@code POST /v1/messages} (after Stripe's and the IETF draft
 * draft-ietf-httpapi-idempotency-key-header): a client that did not get its answer (a timeout, a dropped connection)
 * posts the same request with the same key again and gets the first answer, byte for byte, without anything being
 * sent again, for {@link IdempotencyStore#WINDOW} after the first, also across a restart.
 *
 * <ul>
 *   <li>A key is 1..{@value #MAX_KEY_LENGTH} visible ASCII characters (0x21..0x7E), given once; else 400 naming the
 *       header. Keys are the customer's own: two customers' equal keys are two keys.</li>
 *   <li>The same key with another body (compared as the SHA-256 of the body's canonical form: the parsed JSON, members
 *       in name order, so whitespace, member order and escapes do not count) is 422, nothing sent.</li>
 *   <li>While the first request with a key is being answered (its messages being made durable), the same key again
 *       is 409: the client retries once the first is answered rather than waiting on a connection for it.</li>
 *   <li>Remembered are the answers that retrying cannot change: 2xx, and 400 (the request itself is at fault,
 *       including a batch whose every recipient was refused as invalid). 429, 503 and 500 mean nothing was sent and
 *       the client should try again: they are not remembered, so the retry with the same key is a fresh request.</li>
 *   <li>A body that is not JSON is refused as without a key (400, not remembered): there is nothing to compare.</li>
 * </ul>
 *
 * <p>The answer is remembered after the messages are durable and before it leaves, and in {@code durability: fsync}
 * it waits for the group commit that covers it too; so a client that got an answer finds it again after a crash. A
 * crash in between (messages accepted, answer not yet remembered) leaves the client with no answer, and its retry
 * sends again: that window is the time of one append.
 */
final class IdempotentPosts {
    static final String HEADER = "Idempotency-Key";
    static final int MAX_KEY_LENGTH = 255;
    /** Tells a client its answer is a remembered one (as Stripe's {@code Idempotent-Replayed}). */
    static final String REPLAYED = "Idempotent-Replayed";
    private static final Logger LOG = LoggerFactory.getLogger(IdempotentPosts.class);

    private final IdempotencyStore store;
    private final Supplier<CompletableFuture<Void>> durable;

    /**
     * @param durable completes once what was written before the call is as durable as {@code storage.durability}
     *                asks (the group commit, which forces {@code store} too)
     */
    IdempotentPosts(IdempotencyStore store, Supplier<CompletableFuture<Void>> durable) {
        this.store = store;
        this.durable = durable;
    }

    /**
     * The answer to a POST of {@code customerId}: {@code fresh}'s when the request has no key or a new one, the
     * remembered one for a key answered before.
     *
     * @param fresh answers the request; its failures are answers too (it never completes exceptionally)
     * @throws ApiRefusal 400 on a malformed key, 409 and 422 as above
     */
    CompletableFuture<Answer> answer(String customerId, FullHttpRequest request,
                                     Supplier<CompletableFuture<Answer>> fresh) {
        String key = key(request);
        if (key == null) {
            return fresh.get();
        }
        JsonNode root;
        try {
            root = StrictJson.read(request.content());
        } catch (IOException e) {
            return fresh.get();
        }
        IdempotencyStore.Claim claim = store.claim(customerId, key, canonicalHash(root));
        if (claim instanceof IdempotencyStore.Replay replay) {
            return CompletableFuture.completedFuture(replayed(replay.answer()));
        }
        if (claim instanceof IdempotencyStore.Reused) {
            throw new ApiRefusal(422, "idempotency-key-reused", HEADER, "this Idempotency-Key came with another"
                    + " body within the last 24 h; nothing was sent (a new request needs a new key)");
        }
        if (claim instanceof IdempotencyStore.InProgress) {
            throw new ApiRefusal(409, "idempotency-key-in-progress", HEADER, "the first request with this"
                    + " Idempotency-Key is still being answered; retry once it has been");
        }
        IdempotencyStore.Fresh ticket = (IdempotencyStore.Fresh) claim;
        CompletableFuture<Answer> first;
        try {
            first = fresh.get();
        } catch (RuntimeException e) {
            store.release(ticket);
            throw e;
        }
        return first.thenCompose(a -> {
            int status = a.response().status().code();
            if (!(status / 100 == 2 || status == 400)) {
                store.release(ticket);
                return CompletableFuture.completedFuture(a);
            }
            try {
                store.remember(ticket, remembered(a.response()));
            } catch (UncheckedIOException e) {
                LOG.error("the answer of an Idempotency-Key could not be written to disk: {}; kept in memory only",
                        e.getCause().getClass().getSimpleName());
                return CompletableFuture.completedFuture(a);
            }
            return durable.get().handle((forced, failure) -> {
                if (failure != null) {
                    LOG.error("the answer of an Idempotency-Key could not be forced to disk: {}",
                            failure.getClass().getSimpleName());
                }
                return a;
            });
        }).whenComplete((a, failure) -> {
            if (failure != null) {
                store.release(ticket);
            }
        });
    }

    /** The request's key, or null for none. */
    static String key(HttpRequest request) {
        List<String> all = request.headers().getAll(HEADER);
        if (all.isEmpty()) {
            return null;
        }
        if (all.size() > 1) {
            throw ApiRefusal.invalid(HEADER, "Idempotency-Key is given more than once");
        }
        String key = all.get(0);
        if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            throw ApiRefusal.invalid(HEADER, "Idempotency-Key must be 1.." + MAX_KEY_LENGTH + " visible ASCII"
                    + " characters, was " + key.length());
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                throw ApiRefusal.invalid(HEADER, "Idempotency-Key must be visible ASCII (0x21..0x7E), has 0x"
                        + Integer.toHexString(c) + " at " + i);
            }
        }
        return key;
    }

    /** The SHA-256 of the body's canonical form: tagged and length-prefixed, members in name order. */
    static byte[] canonicalHash(JsonNode root) {
        MessageDigest digest = IdempotencyStore.sha256();
        canonical(root, digest);
        return digest.digest();
    }

    private static void canonical(JsonNode node, MessageDigest out) {
        if (node == null) {
            out.update((byte) 'z');
        } else if (node.isObject()) {
            List<String> names = new ArrayList<>();
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                names.add(it.next());
            }
            names.sort(null);
            tagged(out, 'o', names.size());
            for (String name : names) {
                text(out, name);
                canonical(node.get(name), out);
            }
        } else if (node.isArray()) {
            tagged(out, 'a', node.size());
            for (JsonNode element : node) {
                canonical(element, out);
            }
        } else if (node.isTextual()) {
            out.update((byte) 's');
            text(out, node.textValue());
        } else {
            // Numbers, true, false, null: as Jackson writes them back.
            out.update((byte) 'v');
            text(out, node.toString());
        }
    }

    private static void tagged(MessageDigest out, char tag, int count) {
        out.update((byte) tag);
        out.update(ByteBuffer.allocate(4).putInt(count).array());
    }

    private static void text(MessageDigest out, String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.update(ByteBuffer.allocate(4).putInt(utf8.length).array());
        out.update(utf8);
    }

    private static IdempotencyStore.Remembered remembered(FullHttpResponse response) {
        return new IdempotencyStore.Remembered(response.status().code(),
                response.headers().get(HttpHeaderNames.CONTENT_TYPE),
                response.headers().get(HttpHeaderNames.LOCATION),
                ByteBufUtil.getBytes(response.content()));
    }

    private static Answer replayed(IdempotencyStore.Remembered answer) {
        FullHttpResponse response = Responses.of(answer.status(), answer.contentType(), answer.body());
        if (answer.location() != null) {
            response.headers().set(HttpHeaderNames.LOCATION, answer.location());
        }
        response.headers().set(REPLAYED, "true");
        return new Answer(response, null, true);
    }
}
